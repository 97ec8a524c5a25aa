package io.memagent.bootstrap;

/**
 * The measured window of a call named at run time ({@link RuntimeNames}): a block or track of the
 * API, a JDBC statement or an HTTP request, entered and exited through {@link HotPath}'s
 * {@link HotPath#enter()}/{@link HotPath#exit}, so its bytes are counted exactly as a profiled
 * method's are. A statement or request is recorded only as the outermost of its scope on the
 * thread ({@link OpenScopes}); a servlet request is named only at its end, once the framework has
 * matched its route. Kept apart from {@link HotPath} so the path every {@code @ProfileMemory} call
 * takes stays in one small file. Boot loader, JDK types only, no lambdas.
 */
public final class NamedWindows {
    /** A JDBC statement: the outermost one on a thread is recorded (a pool's proxy, not also its driver's). */
    public static final int SCOPE_DB = 1;
    /** An HTTP request: the outermost handler on a thread is recorded (a filter chain, not every servlet). */
    public static final int SCOPE_HTTP = 2;

    private NamedWindows() {
    }

    /** Loads this class from {@link HotPath#warmUp}, not on an app thread inside a measured window. */
    static void init() {
    }

    /** {@link HotPath#enter()} for an id from {@link RuntimeNames#operationId}: -1 means "not recorded" (token 0). */
    public static int enter(int operationId) {
        return operationId < 0 ? 0 : HotPath.enter();
    }

    /**
     * Enter for a call whose operation is known only now (a SQL statement, an HTTP request),
     * recorded only if no call of the same scope is open on this thread. Returns
     * {@code operationId << 32 | token} for {@link #exitScoped}, or 0 when not recorded.
     */
    public static long enterScoped(int operationId, int scope) {
        if (operationId < 0 || !HotPath.enabled || OpenScopes.isOpen(scope)) {
            return 0;
        }
        int token = HotPath.enter();
        if (token == 0) {
            return 0;
        }
        OpenScopes.set(scope, true); // after the window opened on a platform thread: a field store, nothing allocated
        return ((long) operationId << 32) | (token & 0xFFFFFFFFL);
    }

    /**
     * Whether {@link #enterScoped} could record a call of this scope now (recording, and none open
     * on this thread), so nested advice can skip naming the request. Allocation-free.
     */
    public static boolean canEnterScoped(int scope) {
        return HotPath.enabled && !OpenScopes.isOpen(scope);
    }

    public static void exitScoped(long entered, int scope, boolean threw) {
        if (entered == 0) {
            return;
        }
        OpenScopes.set(scope, false);
        HotPath.exit((int) (entered >>> 32), (int) entered, threw);
    }

    /**
     * This thread's allocation counter, read by advice before it does work inside an open window
     * (reading a request's method, path and route at its end), so {@link #exitHttp} can take what
     * that work allocated off the window.
     */
    public static long agentWorkStarts() {
        return HotPath.ownCounter();
    }

    /**
     * Opens a servlet request's window, named only at its end ({@link #exitHttp}), when the
     * framework has matched its route. Returns 0 when not recorded (a request already open on this
     * thread, or not recording).
     */
    public static long enterHttp() {
        return enterScoped(0, SCOPE_HTTP);
    }

    /**
     * Whether a framework's matched route is wanted now: an HTTP request's window is open on this
     * thread, to be named at its end ({@link #routeMatched}). Allocation-free on a platform thread.
     */
    public static boolean routeWanted() {
        return HotPath.enabled && OpenScopes.isOpen(SCOPE_HTTP);
    }

    /**
     * A framework (JAX-RS) matched the open request to {@code route}, a template such as
     * {@code /orders/{id}}: the request is named by it at its end ({@link #exitHttp}), unless the
     * request carries Spring MVC's own pattern. What the advice allocated to build it since
     * {@code agentWorkStarted} is the agent's.
     */
    public static void routeMatched(long agentWorkStarted, String route) {
        if (OpenScopes.isOpen(SCOPE_HTTP)) {
            OpenScopes.setRoute(route);
        }
        RuntimeNames.agentWorkDone(agentWorkStarted);
    }

    /**
     * Closes a window from {@link #enterHttp}, naming the request by {@code route} (the framework's
     * template, e.g. Spring MVC's best-matching pattern) when there is one, else by its path. What
     * the advice and the naming allocated since {@code agentWorkStarted} is taken off the window,
     * which is still open.
     */
    public static void exitHttp(long entered, long agentWorkStarted, String method, String path, Object route,
                                boolean threw) {
        if (entered == 0) {
            return;
        }
        String matched = OpenScopes.takeRoute(); // a JAX-RS resource's template, set while the request ran
        int id = RuntimeNames.requestOperationId(method, path, route != null ? route : matched);
        RuntimeNames.agentWorkDone(agentWorkStarted);
        exitScoped(((long) Math.max(id, 0) << 32) | (entered & 0xFFFFFFFFL), SCOPE_HTTP, threw);
    }
}
