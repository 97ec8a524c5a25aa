package io.memagent.bootstrap;

/**
 * Which scoped calls ({@link NamedWindows#SCOPE_DB}, {@link NamedWindows#SCOPE_HTTP}) are open on the
 * current thread, so only the outermost of a scope is recorded (a pool's statement proxy, not also
 * its driver's; a filter chain, not every servlet). A platform thread's bits live in its
 * {@link ThreadState}; a virtual thread's in a thread-local of its own.
 */
final class OpenScopes {
    private OpenScopes() {
    }

    /** Loads this class (and makes its thread-local) from {@link HotPath#warmUp}, not on an app thread. */
    static void init() {
    }

    /**
     * A virtual thread's open scopes cannot live in its carrier's {@link ThreadState} (another
     * virtual thread may run there while it waits on the database); they live in a one-int
     * thread-local, made on a virtual thread's first scoped call and gone with the thread.
     */
    private static final ThreadLocal<int[]> VIRTUAL_SCOPES = new ThreadLocal<>();

    /** A virtual thread's matched route ({@link #setRoute}): a platform thread's lives in its {@link ThreadState}. */
    private static final ThreadLocal<String> VIRTUAL_ROUTE = new ThreadLocal<>();

    /**
     * The route template a framework matched for the HTTP request open on this thread (JAX-RS), which
     * the request's window is named by at its end unless the request itself carries one. The caller
     * takes what this allocates (a virtual thread's entry) off the window.
     */
    static void setRoute(String route) {
        ThreadState s = VirtualThreads.isVirtual(Thread.currentThread()) ? null : HotPath.STATE.get();
        if (s != null) {
            s.matchedRoute(route);
        } else if (route != null || VIRTUAL_ROUTE.get() != null) {
            VIRTUAL_ROUTE.set(route);
        }
    }

    /** The route set for the request open on this thread, if any, cleared for the next one. */
    static String takeRoute() {
        ThreadState s = VirtualThreads.isVirtual(Thread.currentThread()) ? null : HotPath.STATE.get();
        if (s != null) {
            String r = s.matchedRoute();
            if (r != null) {
                s.matchedRoute(null);
            }
            return r;
        }
        String r = VIRTUAL_ROUTE.get();
        if (r != null) {
            VIRTUAL_ROUTE.set(null);
        }
        return r;
    }

    static boolean isOpen(int scope) {
        if (VirtualThreads.isVirtual(Thread.currentThread())) {
            int[] v = VIRTUAL_SCOPES.get();
            return v != null && (v[0] & scope) != 0;
        }
        ThreadState s = HotPath.STATE.get();
        if (s != null) {
            return s.scopeOpen(scope);
        }
        int[] v = VIRTUAL_SCOPES.get();
        return v != null && (v[0] & scope) != 0;
    }

    static void set(int scope, boolean open) {
        ThreadState s = VirtualThreads.isVirtual(Thread.currentThread()) ? null : HotPath.STATE.get();
        if (s != null) {
            s.setScope(scope, open);
            return;
        }
        int[] v = VIRTUAL_SCOPES.get();
        if (v == null) {
            if (!open) {
                return;
            }
            v = new int[1];
            VIRTUAL_SCOPES.set(v);
        }
        v[0] = open ? v[0] | scope : v[0] & ~scope;
    }
}
