package io.memagent.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.memagent.agent.RecorderReset;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A reactive request's bookkeeping, driven as the WebFlux advice and Reactor drive it, on two real
 * threads: its bytes are exactly what its segments allocated (one on this thread inside the server's
 * scope, one in a scheduler task on another thread), nothing outside them, none of the agent's own;
 * and it is recorded once, by whichever thread finishes last.
 */
@ExtendWith(RecorderReset.class)
class ReactiveRequestsTest {
    private static final int ROUTE = 7;
    private static final int WARM = 8;
    private static final String BEST = "org.springframework.web.reactive.HandlerMapping.bestMatchingPattern";
    /** The two arrays of a request: {@code new byte[1000]} in the server's segment, {@code new byte[2000]} in the task. */
    private static final long SEGMENTS = 1_016 + 2_016;

    static volatile Object sink;
    private Worker worker;

    @BeforeEach
    void recording() {
        RuntimeNames.setOperationNames(new Names());
        HotPath.setEnabled(true);
        worker = new Worker();
        worker.start();
    }

    @AfterEach
    void stop() {
        worker.interrupt();
        RuntimeNames.setOperationNames(null);
    }

    @Test
    void aRequestIsItsSegmentsOnBothThreadsToTheByte() {
        Map<String, Object> warm = Map.of(BEST, "/warm");
        for (int i = 0; i < 20; i++) {
            request(warm, () -> sink = new byte[2000], null);
        }
        Map<String, Object> attributes = new HashMap<>(Map.of(BEST, "/orders/{id}"));
        for (int i = 0; i < 5; i++) {
            request(attributes, () -> sink = new byte[2000], null);
        }
        long[] f = figures(HotPath.STATE.get(), ROUTE);
        assertEquals(5, f[0], "calls");
        assertEquals(0, f[1], "errors");
        assertEquals(0, f[2], "unmeasured");
        assertEquals(5 * SEGMENTS, f[3], "total bytes: the two arrays of each request, nothing else");
        assertEquals(SEGMENTS, f[4], "min");
        assertEquals(SEGMENTS, f[5], "max");
        assertEquals(0, figures(worker.state, ROUTE)[0], "recorded where the request ended, once");
    }

    @Test
    void aRequestThatEndsWhileItsTaskRunsIsRecordedByThatTaskOnce() {
        Map<String, Object> warm = Map.of(BEST, "/warm");
        for (int i = 0; i < 20; i++) {
            request(warm, () -> sink = new byte[2000], null);
        }
        Hold hold = new Hold();
        request(Map.of(BEST, "/orders/{id}"), () -> {
            sink = new byte[2000];
            hold.running = true;
            while (!hold.released) {
                Thread.onSpinWait();
            }
        }, hold);
        long[] mine = figures(HotPath.STATE.get(), ROUTE);
        long[] theirs = figures(worker.state, ROUTE);
        assertEquals(0, mine[0], "not recorded by the thread that saw it end while its task ran");
        assertEquals(1, theirs[0], "recorded by the task's thread when its segment closed");
        assertEquals(SEGMENTS, theirs[3]);
        assertEquals(1, hold.ended, "the end came while the task was still running");
    }

    @Test
    void aTaskScheduledOutsideEveryRequestIsLeftAsItIs() {
        Runnable task = () -> { };
        assertSame(task, ScheduleHook.INSTANCE.apply(task));
        int scope = ReactiveRequests.serverScopeEnter();
        assertSame(task, ScheduleHook.INSTANCE.apply(task), "an unbound server scope: no request to add to");
        Object r = ReactiveRequests.start();
        assertNotNull(r);
        assertNotSame(task, ScheduleHook.INSTANCE.apply(task));
        ReactiveRequests.handled(r, true); // ends now, as an error, unnamed: not recorded
        ReactiveRequests.serverScopeExit(scope);
    }

    @Test
    void aHandlerThatThrowsIsOneFailedCallOfItsRoute() {
        int scope = ReactiveRequests.serverScopeEnter();
        Object r = ReactiveRequests.start();
        ReactiveRequests.exchange(ReactiveRequests.agentWorkStarts(), Map.of(BEST, "/orders/{id}"), null, "GET",
                "/orders/1");
        ReactiveRequests.handled(r, true); // handle threw: no publisher to wait for
        ReactiveRequests.serverScopeExit(scope);
        long[] f = figures(HotPath.STATE.get(), ROUTE);
        assertEquals(1, f[0], "calls");
        assertEquals(1, f[1], "errors");
    }

    /**
     * One request as Reactor Netty, Spring and Reactor drive it: the server's scope on this thread, the
     * request started inside it, one array here, one scheduled task on the worker, then the end.
     * With {@code hold}, the end comes while the task is still running, and the task is then released.
     */
    private void request(Map<String, Object> attributes, Runnable task, Hold hold) {
        int scope = ReactiveRequests.serverScopeEnter();
        Object r = ReactiveRequests.start();
        ReactiveRequests.exchange(ReactiveRequests.agentWorkStarts(), attributes, null, "GET", "/orders/1");
        sink = new byte[1000];
        worker.run(ScheduleHook.INSTANCE.apply(task));
        ReactiveRequests.handled(r, false);
        ReactiveRequests.serverScopeExit(scope);
        sink = new byte[5000]; // after the server's scope: not the request's
        if (hold != null) {
            // Until the task's body runs: the worker counts a task started before the wrapper opens its segment.
            while (!hold.running) {
                Thread.onSpinWait();
            }
            end(r);
            hold.ended++;
            hold.released = true;
        } else {
            worker.await();
            end(r);
        }
        worker.await();
    }

    @SuppressWarnings("unchecked")
    private static void end(Object request) {
        ((Consumer<Object>) request).accept(Thread.State.TERMINATED); // any signal but ON_ERROR
    }

    /** This state's figures for {@code op}, taken through the hand-off as the drain takes them: calls, errors, unmeasured, total, min, max. */
    private static long[] figures(ThreadState s, int op) {
        long[] out = {0, 0, 0, 0, Long.MAX_VALUE, 0};
        if (s == null) {
            return new long[6];
        }
        PeriodHandoff.Folder folder = (o, p) -> {
            if (o == op && p.calls() > 0) {
                out[0] += p.calls();
                out[1] += p.errors();
                out[2] += p.unmeasuredCalls();
                out[3] += p.totalBytes();
                out[4] = Math.min(out[4], p.minBytes());
                out[5] = Math.max(out[5], p.maxBytes());
            }
        };
        for (int round = 0; round < 3; round++) {
            s.collect(folder);
            s.advanceNow();
            LockSupport.parkNanos(2 * PeriodHandoff.HANDOFF_NANOS);
        }
        s.collect(folder);
        return out;
    }

    private static final class Hold {
        /** Set by the task inside its segment: the request's end then comes while the segment is open. */
        volatile boolean running;
        volatile boolean released;
        int ended;
    }

    /** A scheduler's thread that hands tasks over without allocating (a spin on a field), as a measured test needs. */
    private static final class Worker extends Thread {
        private volatile Runnable next;
        volatile long started;
        volatile long done;
        volatile ThreadState state;

        Worker() {
            super("reactive-test-worker");
            setDaemon(true);
        }

        void run(Runnable task) {
            next = task;
        }

        void await() {
            while (next != null || started != done) {
                Thread.onSpinWait();
            }
        }

        @Override
        public void run() {
            while (!isInterrupted()) {
                Runnable t = next;
                if (t == null) {
                    Thread.onSpinWait();
                    continue;
                }
                started++;
                next = null;
                t.run();
                state = HotPath.STATE.get();
                done++;
            }
        }
    }

    private static final class Names implements RuntimeNames.OperationNames {
        @Override
        public int known(String name, String kind) {
            return -1;
        }

        @Override
        public int register(String name, String kind) {
            return -1;
        }

        @Override
        public String nameOf(int id) {
            return null;
        }

        @Override
        public int sql(String sql) {
            return -1;
        }

        @Override
        public int http(String method, String path) {
            return -1;
        }

        @Override
        public int httpRoute(String method, String route) {
            return route.equals("/orders/{id}") ? ROUTE : WARM;
        }
    }
}
