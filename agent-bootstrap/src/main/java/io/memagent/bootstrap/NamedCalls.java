package io.memagent.bootstrap;

/**
 * Calls whose operation is known only at run time: {@code MemoryProfiler.block/track} (through the
 * API's method handles), JDBC statements and HTTP requests (through inlined advice). They name the
 * call here, before the measured window opens, then enter and exit it through {@link HotPath}'s
 * {@link HotPath#enter()}/{@link HotPath#exit}, so their bytes are counted exactly as a profiled
 * method's are.
 *
 * <p>Kept apart from {@link HotPath} so the hot path every {@code @ProfileMemory} call takes stays
 * in one small file; only run-time-named, JDBC and HTTP calls come through here. Defined in the
 * boot loader like {@link HotPath} (every class of this package is), so it depends on nothing but
 * the JDK and uses no lambdas. {@link HotPath#warmUp} initializes it before the agent enables.
 */
public final class NamedCalls {
    /** Resolves run-time operation names (the API's blocks and tracks); set by the agent before it enables. */
    private static volatile OperationNames names;

    /** A JDBC statement: the outermost one on a thread is recorded (a pool's proxy, not also its driver's). */
    public static final int SCOPE_DB = 1;
    /** An HTTP request: the outermost handler on a thread is recorded (a filter chain, not every servlet). */
    public static final int SCOPE_HTTP = 2;

    /** Prepared statements' operation ids by identity hash: {@code hash << 32 | id}; bounded, lock-free. */
    private static final java.util.concurrent.atomic.AtomicLongArray PREPARED =
            new java.util.concurrent.atomic.AtomicLongArray(1 << 13);

    private NamedCalls() {
    }

    public static void setOperationNames(OperationNames resolver) {
        names = resolver;
    }

    /**
     * Operation ids for names known only at run time: {@code MemoryProfiler.block/track}. The API
     * calls this through a method handle (it cannot link against the agent).
     */
    public interface OperationNames {
        /** The id of a name already registered under this kind, or -1. Must not allocate. */
        int known(String name, String kind);

        /** The id for the name, registering it on first sight (may allocate). */
        int register(String name, String kind);

        /** The operation name of an id (any kind), or null. */
        String nameOf(int id);

        /** The id for a SQL statement's operation ({@code DB.SELECT.users}), -1 for none. May allocate. */
        int sql(String sql);

        /** The id for an HTTP request's operation ({@code HTTP GET /path}), -1 for none. May allocate. */
        int http(String method, String path);

        /** The id for a request a framework matched to a route template ({@code /orders/{id}}). May allocate. */
        int httpRoute(String method, String route);
    }

    /**
     * The operation id for {@code name} of {@code kind}, or -1 when the agent is not recording.
     * Called before the measured window opens. A known name costs a hash lookup and allocates
     * nothing; a new name is registered, and what that allocates is taken off any profiled calls
     * open on this thread, so an enclosing call is not charged for the agent's bookkeeping.
     */
    public static int operationId(String name, String kind) {
        OperationNames n = names;
        if (!HotPath.enabled || n == null || name == null || kind == null) {
            return -1;
        }
        int id = n.known(name, kind);
        if (id >= 0) {
            return id;
        }
        long before = HotPath.ownCounter();
        id = n.register(name, kind);
        compensateOpenCalls(before);
        return id;
    }

    /** {@link HotPath#enter()} for an id from {@link #operationId}: -1 means "not recorded" (token 0). */
    public static int enter(int operationId) {
        return operationId < 0 ? 0 : HotPath.enter();
    }

    /** The name of an operation id, for {@link ThreadCalls#biggestOperationsSince}'s callers. */
    public static String operationName(int id) {
        OperationNames n = names;
        String name = n == null ? null : n.nameOf(id);
        return name != null ? name : "operation #" + id;
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

    /** The operation id of a SQL text (allocation-free once cached); -1 when not recording. */
    public static int sqlOperationId(String sql) {
        OperationNames n = names;
        if (!HotPath.enabled || n == null || sql == null) {
            return -1;
        }
        long before = HotPath.ownCounter();
        int id = n.sql(sql);
        compensateOpenCalls(before);
        return id;
    }

    /** The operation id of an HTTP request; -1 when not recording. */
    public static int httpOperationId(String method, String path) {
        OperationNames n = names;
        if (!HotPath.enabled || n == null || method == null || path == null) {
            return -1;
        }
        long before = HotPath.ownCounter();
        int id = n.http(method, path);
        compensateOpenCalls(before);
        return id;
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
        int id = -1;
        OperationNames n = names;
        if (n != null && method != null) {
            if (route instanceof String && !((String) route).isEmpty()) {
                id = n.httpRoute(method, (String) route);
            } else if (path != null) {
                id = n.http(method, path);
            }
        }
        compensateOpenCalls(agentWorkStarted);
        exitScoped(((long) Math.max(id, 0) << 32) | (entered & 0xFFFFFFFFL), SCOPE_HTTP, threw);
    }

    /** Remembers a prepared statement's SQL operation (advice on {@code Connection.prepareStatement}). */
    public static void statementPrepared(Object statement, String sql) {
        if (statement == null) {
            return;
        }
        int id = sqlOperationId(sql);
        if (id >= 0) {
            int h = System.identityHashCode(statement);
            PREPARED.set(h & (PREPARED.length() - 1), ((long) h << 32) | id);
        }
    }

    /** A prepared statement's operation id, or the generic {@code DB.EXECUTE} one if it was not seen prepared. */
    public static int statementOperationId(Object statement) {
        if (!HotPath.enabled || statement == null) {
            return -1;
        }
        int h = System.identityHashCode(statement);
        long e = PREPARED.get(h & (PREPARED.length() - 1));
        if ((int) (e >>> 32) == h && e != 0) {
            return (int) e;
        }
        return sqlOperationId("");
    }

    /** The agent's bookkeeping allocated {@code since} the counter read {@code before}: not the app's calls'. */
    private static void compensateOpenCalls(long before) {
        ThreadState s = HotPath.ownState();
        if (s != null) {
            s.compensate(before);
        } else if (before >= 0) {
            AgentOverhead.add(HotPath.ownCounter() - before, 0);
        }
    }

    /** Links {@link #PREPARED}'s {@code VarHandle} call sites; from {@link HotPath#warmUp}. */
    static void warmUp() {
        PREPARED.set(0, PREPARED.get(0)); // its VarHandle call sites too (nothing is prepared before enabling)
        OpenScopes.init();
    }
}
