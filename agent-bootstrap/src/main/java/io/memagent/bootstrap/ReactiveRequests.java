package io.memagent.bootstrap;

/**
 * Reactive requests (Spring WebFlux), whose work hops between threads: what the WebFlux advice calls.
 *
 * <p>A request's bytes are the sum of its <em>segments</em>: stretches of its work on one platform
 * thread, each an open frame of that thread's {@link ThreadState} (so the thread's own counter
 * measures it, the agent's work inside it is taken off as in any profiled call, and profiled calls
 * inside it are nested in it). A segment is
 * <ul>
 * <li>the server applying its handler to the request and subscribing to the result, on the event
 * loop (Reactor Netty's {@code HttpServerHandle#onStateChange}: {@link #serverScopeEnter}), bound
 * to the request once Spring's {@code HttpWebHandlerAdapter#handle} starts it inside
 * ({@link #start}); without such a scope (another server), {@code handle} itself;</li>
 * <li>the run of a task scheduled on a Reactor scheduler from inside a segment ({@link ScheduleHook},
 * {@link RequestTask}), and so on, from task to task.</li>
 * </ul>
 * Not segments, so not counted: the server's work before it applies the handler (decoding the
 * request) and outside the handler's subscription (reading a body that arrives later, writing and
 * flushing the response from the event loop's own tasks), and work the app hands to executors that
 * are not Reactor schedulers. A segment on a virtual thread makes the request's bytes unmeasured.
 * Boot loader, JDK types only, no lambdas.
 */
public final class ReactiveRequests {
    /** The key the agent's hook is registered under in {@code Schedulers.onScheduleHook}. */
    public static final String HOOK_KEY;
    /** Requests being started on this thread, for {@link #exchange} (inside {@code handle}). */
    private static final ThreadLocal<ReactiveRequest> STARTING = new ThreadLocal<>();
    /** Each Reactor {@code Schedulers} class (one per class loader that has Reactor) gets the hook once. */
    private static final ClassValue<java.util.concurrent.atomic.AtomicBoolean> HOOKED =
            new ClassValue<java.util.concurrent.atomic.AtomicBoolean>() {
                @Override
                protected java.util.concurrent.atomic.AtomicBoolean computeValue(Class<?> type) {
                    return new java.util.concurrent.atomic.AtomicBoolean();
                }
            };

    static {
        HOOK_KEY = "io.memagent";
    }

    private ReactiveRequests() {
    }

    /**
     * From {@link HotPath#warmUp}: initializes these classes and links their {@code VarHandle} call
     * sites now, not inside an app's segment (both allocate). Touches no thread's state.
     */
    static void warmUp() {
        ReactiveRequest r = new ReactiveRequest(0, 0);
        if (r.segmentStarts()) {
            r.segmentEnds(0, 0, false);
        }
        r.accept(null); // unnamed: ends without recording
        new RequestTask(null, r).getClass();
        ScheduleHook.INSTANCE.getClass();
        ResponseStatus.of(null);
    }

    /** The decorator for {@code Schedulers.onScheduleHook} (a {@code Function<Runnable, Runnable>}). */
    public static Object scheduleHook() {
        return ScheduleHook.INSTANCE;
    }

    /**
     * Whether the advice should register {@link #scheduleHook} with this {@code Schedulers} class now:
     * true once per class. What the advice then allocates is the agent's ({@link #agentWorkDone}).
     */
    public static boolean scheduleHookWanted(Class<?> schedulers) {
        java.util.concurrent.atomic.AtomicBoolean done = HOOKED.get(schedulers);
        return !done.get() && done.compareAndSet(false, true);
    }

    /** This thread's allocation counter, before agent work inside a request's segment. */
    public static long agentWorkStarts() {
        return HotPath.ownCounter();
    }

    /** The agent's work since {@code before} is its own: taken off the open segment and calls, counted as overhead. */
    public static void agentWorkDone(long before) {
        RuntimeNames.agentWorkDone(before);
    }

    /** The server applies its handler on this thread: opens an unbound segment (0: none opened). */
    public static int serverScopeEnter() {
        try {
            if (!HotPath.enabled) {
                return 0;
            }
            ThreadState s = HotPath.currentState();
            return s == null || s.onCarrier() ? 0 : openSegment(s, null);
        } catch (Throwable t) {
            return 0;
        }
    }

    public static void serverScopeExit(int token) {
        if (token != 0) {
            closeSegment(platformState(), token);
        }
    }

    /**
     * {@code HttpWebHandlerAdapter#handle} starts: a new request, bound to the server segment open on
     * this thread, or with a segment of its own. Null when not recorded: not recording, a request
     * already started on this thread, or a servlet request open (WebFlux on a servlet container is
     * recorded as the servlet's request).
     */
    public static Object start() {
        try {
            if (!HotPath.enabled || OpenScopes.isOpen(NamedWindows.SCOPE_HTTP)) {
                return null;
            }
            ThreadState s = HotPath.currentState();
            boolean platform = s != null && !s.onCarrier();
            if (platform && s.segmentRequest() != null) {
                return null;
            }
            long before = HotPath.ownCounter();
            ReactiveRequest r = new ReactiveRequest(System.nanoTime(), HotPath.gcEpoch());
            STARTING.set(r);
            RuntimeNames.agentWorkDone(before);
            if (!platform) {
                r.unmeasurable(); // a virtual thread: its carrier's counter is not its own across unmounts
            } else if (s.segmentToken() != 0) {
                if (r.segmentStarts()) {
                    s.bindSegment(r);
                }
            } else {
                r.ownToken = openSegment(s, r);
            }
            return r;
        } catch (Throwable t) {
            return null;
        }
    }

    /** {@code createExchange} returned, inside {@code handle}: what the request will be named by at its end. */
    public static void exchange(long agentWorkStarted, java.util.Map<?, ?> attributes, Object response,
                                String method, String path) {
        ReactiveRequest r = STARTING.get();
        if (r != null && r.method == null) {
            r.attributes = attributes;
            r.response = response;
            r.path = path;
            r.method = method;
        }
        RuntimeNames.agentWorkDone(agentWorkStarted);
    }

    /** Whether a request is being started on this thread (so the exchange advice has work). */
    public static boolean starting() {
        return STARTING.get() != null;
    }

    /**
     * {@code handle} returned ({@code failed}: it threw, or returned no publisher: the request ends
     * now, as an error, named by its route or path if the exchange was made); its own segment, if it
     * opened one, closes.
     */
    public static void handled(Object request, boolean failed) {
        try {
            STARTING.set(null);
            ReactiveRequest r = (ReactiveRequest) request;
            if (failed) {
                r.finish(true); // an error, named by what the exchange said so far
            }
            if (r.ownToken != 0) {
                int token = r.ownToken;
                r.ownToken = 0;
                closeSegment(platformState(), token);
            }
        } catch (Throwable t) {
            // never into the app
        }
    }

    /** A {@link RequestTask} starts on this thread: a segment of its request (0: not measured here). */
    static int taskStarts(ThreadState s, ReactiveRequest r) {
        if (s == null) {
            return 0;
        }
        if (s.onCarrier()) {
            r.unmeasurable();
            return 0;
        }
        return s.segmentToken() != 0 ? 0 : openSegment(s, r); // nested in an open segment: counted there
    }

    /**
     * Opens a segment frame on a platform thread's state for {@code r} (null: bound later, or never).
     * The counter is read last, by {@link OpenCalls#open}. 0 when none opened.
     */
    private static int openSegment(ThreadState s, ReactiveRequest r) {
        if (s.segmentToken() != 0 || (r != null && !r.segmentStarts())) {
            return 0;
        }
        int token = s.open(HotPath.gcEpoch());
        if (token == 0) {
            if (r != null) {
                r.unmeasurable();
                r.segmentEnds(0, 0, false);
            }
            return 0;
        }
        s.openSegment(token, r);
        return token;
    }

    /**
     * Closes the segment frame {@code token}: the counter first, then its bytes (less the profiled
     * calls nested in it, for self bytes) go to its request, which may record now.
     */
    static void closeSegment(ThreadState s, int token) {
        long end = HotPath.THREADS.getCurrentThreadAllocatedBytes(); // first: nothing of ours before it
        try {
            if (s == null) {
                return;
            }
            ReactiveRequest r = s.segmentRequest();
            s.openSegment(0, null);
            int at = (token - 1) * CallFrame.LONGS;
            long[] f = s.frames();
            if (at >= f.length || at >= s.depth() * CallFrame.LONGS) {
                if (r != null) {
                    r.unmeasurable();
                    r.segmentEnds(0, 0, false);
                }
                return;
            }
            long start = CallFrame.startBytes(f, at);
            long inclusive = end - start;
            long self = inclusive - CallFrame.childBytes(f, at);
            int flags = s.close(at, inclusive);
            if (r != null) {
                if (end < 0 || start < 0) {
                    r.unmeasurable();
                }
                r.segmentEnds(inclusive, self, (flags & HotPath.FLAG_COLD) != 0);
            }
        } catch (Throwable t) {
            // never into the app
        }
    }

    /** A platform thread's state, found again if a pool wiped the thread-locals; null on a virtual thread. */
    private static ThreadState platformState() {
        if (VirtualThreads.isVirtual(Thread.currentThread())) {
            return null;
        }
        ThreadState s = HotPath.STATE.get();
        return s != null ? s : ThreadStates.attach();
    }
}
