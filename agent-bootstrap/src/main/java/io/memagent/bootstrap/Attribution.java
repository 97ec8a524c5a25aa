package io.memagent.bootstrap;

/**
 * What the JDBC and HTTP attribution code woven into the app's statements, connections, handlers, servlets and
 * filters calls (the agent's {@code AttributionWeaver}): each entry point of {@link NamedWindows},
 * {@link RuntimeNames} and {@link PreparedStatements} the advice used, behind a catch of every throwable, so the
 * woven code itself never needs a handler of its own and nothing of the agent's reaches the app. Only the servlet
 * API's and the JDK HTTP server's calls (the request's type, dispatch, method, path and route), which these boot
 * classes cannot name, stay in the woven code. Boot loader, JDK types only, no lambdas, no string constants.
 */
public final class Attribution {
    private Attribution() {
    }

    /** Loads this class from {@link HotPath#warmUp}, not on an app thread inside a measured window. */
    static void init() {
    }

    /** {@code Statement.execute*(String sql, ...)} starts. */
    public static long enterSql(String sql) {
        try {
            return NamedWindows.enterScoped(RuntimeNames.sqlOperationId(sql), NamedWindows.SCOPE_DB);
        } catch (Throwable t) {
            return 0;
        }
    }

    /** {@code PreparedStatement.execute*()} or {@code executeBatch()} starts: named by the SQL seen at prepare. */
    public static long enterPrepared(Object statement) {
        try {
            return NamedWindows.enterScoped(PreparedStatements.statementOperationId(statement),
                    NamedWindows.SCOPE_DB);
        } catch (Throwable t) {
            return 0;
        }
    }

    /** A statement call from {@link #enterSql} or {@link #enterPrepared} ends. */
    public static void exitDb(long entered, boolean threw) {
        try {
            NamedWindows.exitScoped(entered, NamedWindows.SCOPE_DB, threw);
        } catch (Throwable t) {
            // the window stays unrecorded
        }
    }

    /** {@code Connection.prepareStatement/prepareCall(String sql, ...)} returned {@code statement}. */
    public static void prepared(Object statement, Object sql) {
        try {
            PreparedStatements.statementPrepared(statement, (String) sql);
        } catch (Throwable t) {
            // the statement is named DB.EXECUTE
        }
    }

    /**
     * A JDK HTTP server handler's {@code handle(HttpExchange)} starts, with the exchange's method and path (read by
     * the woven code: {@code jdk.httpserver} is the platform loader's, which this boot class cannot see).
     */
    public static long enterExchange(String method, String path) {
        try {
            return NamedWindows.enterScoped(RuntimeNames.httpOperationId(method, path), NamedWindows.SCOPE_HTTP);
        } catch (Throwable t) {
            return 0;
        }
    }

    /** A handler's call from {@link #enterExchange} ends. */
    public static void exitExchange(long entered, boolean threw) {
        try {
            NamedWindows.exitScoped(entered, NamedWindows.SCOPE_HTTP, threw);
        } catch (Throwable t) {
            // the window stays unrecorded
        }
    }

    /** {@link NamedWindows#canEnterScoped} for HTTP: false if it cannot tell. */
    public static boolean canEnterHttp() {
        try {
            return NamedWindows.canEnterScoped(NamedWindows.SCOPE_HTTP);
        } catch (Throwable t) {
            return false;
        }
    }

    /** {@link NamedWindows#enterHttp}, 0 if it failed. */
    public static long enterHttp() {
        try {
            return NamedWindows.enterHttp();
        } catch (Throwable t) {
            return 0;
        }
    }

    /** {@link NamedWindows#agentWorkStarts}, 0 if it failed. */
    public static long agentWorkStarts() {
        try {
            return NamedWindows.agentWorkStarts();
        } catch (Throwable t) {
            return 0;
        }
    }

    /** {@link NamedWindows#exitHttp}. */
    public static void exitHttp(long entered, long agentWorkStarted, String method, String path, Object route,
                                boolean threw) {
        try {
            NamedWindows.exitHttp(entered, agentWorkStarted, method, path, route, threw);
        } catch (Throwable t) {
            // the window stays unrecorded
        }
    }
}
