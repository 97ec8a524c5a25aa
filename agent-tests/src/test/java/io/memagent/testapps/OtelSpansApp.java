package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;

/**
 * Manual spans made with the OpenTelemetry API (the OpenTelemetry agent supplies the SDK), each
 * around a {@code new byte[100_000]}, measured by the app itself between {@code startSpan()} and
 * {@code end()}; then spans whose window holds memagent's own allocations (a thread's first call of
 * profiled operations), and a span ended on another thread. Prints {@code span=ID app=BYTES} per
 * measured span, {@code own=ID app=BYTES agent=BYTES}, {@code handed=ID}. The measured code is in
 * {@link Window}, which has no string constant outside its static initializer (a JIT compile
 * request would make those on the thread, inside a window).
 */
public final class OtelSpansApp {
    public static void main(String[] args) throws Throwable {
        if (args[0].equals("spike")) {
            spikes();
            return;
        }
        if (args[0].equals("virtual")) {
            virtual();
            return;
        }
        int warmUp = Integer.parseInt(args[0]);
        int measured = Integer.parseInt(args[1]);
        Tracer tracer = GlobalOpenTelemetry.getTracer("memagent-it");
        for (int i = 0; i < warmUp; i++) {
            Window.steady(tracer);
        }
        for (int i = 0; i < measured; i++) {
            long app = Window.steady(tracer);
            System.out.println("span=" + Window.last.getSpanContext().getSpanId() + " app=" + app);
        }
        long[] agent = new long[1];
        Profiled.loaded = true; // the class loaded and initialized outside any span
        for (int op = 0; op < 3; op++) {
            long app = Window.firstCalls(tracer, op, agent);
            System.out.println("own=" + Window.last.getSpanContext().getSpanId() + " app=" + app + " agent=" + agent[0]);
        }
        Span handed = tracer.spanBuilder("handed-over").startSpan();
        Thread other = new Thread(handed::end, "ender");
        other.start();
        other.join();
        System.out.println("handed=" + handed.getSpanContext().getSpanId());
    }

    /**
     * A 2 MB profiled call inside a span (a per-call row and, with a 1 MB spike threshold, a spike),
     * then one outside any span, after a span started here was ended on another thread. Prints
     * {@code traced=TRACE_ID SPAN_ID}.
     */
    static void spikes() throws InterruptedException {
        // The agent commits its JFR events on its drain thread, a few ms after each call: follow them and exit only
        // when all four (two calls, two spikes) have arrived, so none is lost to the race between the agent's and
        // JFR's shutdown hooks (as JfrApp does).
        java.util.concurrent.CountDownLatch seen = new java.util.concurrent.CountDownLatch(4);
        jdk.jfr.consumer.RecordingStream events = new jdk.jfr.consumer.RecordingStream();
        events.enable("memagent.Call");
        events.enable("memagent.Spike");
        events.onEvent("memagent.Call", e -> seen.countDown());
        events.onEvent("memagent.Spike", e -> seen.countDown());
        events.startAsync();
        Tracer tracer = GlobalOpenTelemetry.getTracer("memagent-it");
        Profiled.loaded = true; // loaded before the calls: a call that loads classes is cold, never a spike
        Truth.sink = null;
        Span span = tracer.spanBuilder("traced-spike").startSpan();
        Profiled.big();
        span.end();
        Span handed = tracer.spanBuilder("handed-over").startSpan(); // ended on another thread: not this thread's any more
        Thread other = new Thread(handed::end, "ender");
        other.start();
        try {
            other.join();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        Profiled.big();
        System.out.println("traced=" + span.getSpanContext().getTraceId() + " " + span.getSpanContext().getSpanId());
        System.out.println("events=" + (seen.await(60, java.util.concurrent.TimeUnit.SECONDS) ? 4 : 4 - seen.getCount()));
        events.close();
    }

    /**
     * On virtual threads (JDK 21+), one after another: a span around {@code new byte[100_000]} that
     * stays mounted, then one that parks in between. Prints {@code mounted=ID} and {@code parked=ID}
     * for each thread after the first two (which make the carrier's state and link the code).
     */
    static void virtual() throws Throwable {
        AgentReady.firstVirtualThreadSetsUp();
        Tracer tracer = GlobalOpenTelemetry.getTracer("memagent-it");
        Truth.sink = null;
        for (int i = 0; i < 5; i++) {
            String[] ids = new String[2];
            Thread t = (Thread) java.lang.invoke.MethodHandles.publicLookup().findStatic(Thread.class,
                    "startVirtualThread", java.lang.invoke.MethodType.methodType(Thread.class, Runnable.class))
                    .invoke((Runnable) () -> {
                Span mounted = tracer.spanBuilder(Window.NAME).startSpan();
                Truth.sink = new byte[100_000];
                mounted.end();
                Span parked = tracer.spanBuilder(Window.NAME).startSpan();
                Truth.sink = new byte[100_000];
                try {
                    Thread.sleep(5); // unmounts
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                parked.end();
                ids[0] = mounted.getSpanContext().getSpanId();
                ids[1] = parked.getSpanContext().getSpanId();
            });
            t.join();
            if (i >= 2) {
                System.out.println("mounted=" + ids[0]);
                System.out.println("parked=" + ids[1]);
            }
        }
    }

    /** The windows. */
    static final class Window {
        private static final String NAME;
        static Span last;

        static {
            NAME = "alloc-100000";
        }

        /** {@code new byte[100_000]} between startSpan() and end(): the app's own bytes in between. */
        static long steady(Tracer tracer) {
            Span span = tracer.spanBuilder(NAME).startSpan();
            long before = Truth.appBytesNow();
            Truth.sink = new byte[100_000];
            long after = Truth.appBytesNow();
            span.end();
            last = span;
            return after - before;
        }

        /** As {@link #steady}, plus this thread's first call of profiled operation {@code op}: a slot, memagent's own. */
        static long firstCalls(Tracer tracer, int op, long[] agentOut) {
            Span span = tracer.spanBuilder(NAME).startSpan();
            long before = Truth.appBytesNow();
            long raw0 = Truth.rawNow();
            Truth.sink = new byte[100_000];
            if (op == 0) {
                Profiled.first();
            } else if (op == 1) {
                Profiled.second();
            } else {
                Profiled.third();
            }
            long raw1 = Truth.rawNow();
            long after = Truth.appBytesNow();
            span.end();
            last = span;
            agentOut[0] = (raw1 - raw0) - (after - before);
            return after - before;
        }
    }

    /** Profiled operations, each first called inside a span. */
    static final class Profiled {
        static boolean loaded;

        @ProfileMemory
        static void first() {
            Truth.sink = new byte[1_000];
        }

        @ProfileMemory
        static void second() {
            Truth.sink = new byte[2_000];
        }

        @ProfileMemory
        static void big() {
            Truth.sink = new byte[2_000_000];
        }

        @ProfileMemory
        static void third() {
            Truth.sink = new byte[3_000];
        }
    }
}
