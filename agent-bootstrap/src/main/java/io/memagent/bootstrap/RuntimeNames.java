package io.memagent.bootstrap;

/**
 * Operation ids for names known only at run time: {@code MemoryProfiler.block/track} (through the
 * API's method handles), SQL texts and HTTP requests (through inlined advice). A known name costs a
 * lookup and allocates nothing; a new one is registered by the agent's {@link OperationNames}, and
 * what that allocates is taken off the profiled calls open on the thread. The call is then entered
 * and exited through {@link NamedWindows}. Boot loader, JDK types only, no lambdas.
 */
public final class RuntimeNames {
    /** Resolves run-time operation names; set by the agent before it enables. */
    private static volatile OperationNames names;
    /**
     * Assigned in the static initializer (not a compile-time constant), so the string is resolved
     * when {@link #init} loads this class: a C2 compile request for any method here resolves the
     * class's unresolved string constants on the requesting thread, inside whatever call is open.
     */
    private static final String UNNAMED;

    static {
        UNNAMED = "operation #";
    }

    private RuntimeNames() {
    }

    /** Loads this class from {@link HotPath#warmUp}, not on an app thread inside a measured window. */
    static void init() {
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
        agentWorkDone(before);
        return id;
    }

    /** The name of an operation id, for {@link WindowProbe#biggestOperationsSince}'s callers (memagent-junit, by name). */
    public static String operationName(int id) {
        OperationNames n = names;
        String name = n == null ? null : n.nameOf(id);
        return name != null ? name : UNNAMED.concat(Integer.toString(id));
    }

    /** The operation id of a SQL text (allocation-free once cached); -1 when not recording. */
    public static int sqlOperationId(String sql) {
        OperationNames n = names;
        if (!HotPath.enabled || n == null || sql == null) {
            return -1;
        }
        long before = HotPath.ownCounter();
        int id = n.sql(sql);
        agentWorkDone(before);
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
        agentWorkDone(before);
        return id;
    }

    /**
     * The operation id of a request named at its end: by {@code route} (the framework's template,
     * e.g. Spring MVC's best-matching pattern) when there is one, else by its path; -1 for none.
     * May allocate: the caller takes it off the open window ({@link NamedWindows#exitHttp}).
     */
    static int requestOperationId(String method, String path, Object route) {
        OperationNames n = names;
        if (n == null || method == null) {
            return -1;
        }
        if (route instanceof String && !((String) route).isEmpty()) {
            return n.httpRoute(method, (String) route);
        }
        return path != null ? n.http(method, path) : -1;
    }

    /** The agent's bookkeeping allocated {@code since} the counter read {@code before}: not the app's calls'. */
    static void agentWorkDone(long before) {
        ThreadState s = HotPath.ownState();
        if (s != null) {
            s.compensate(before);
        } else if (before >= 0) {
            AgentOverhead.add(HotPath.ownCounter() - before, 0);
        }
    }
}
