package io.memagent.bootstrap;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Prepared statements' operations: the SQL a statement was prepared with names its executions.
 * A bounded, lock-free table by identity hash; a statement it lost (a collision) is named by the
 * generic {@code DB.EXECUTE} operation. Boot loader, JDK types only.
 */
public final class PreparedStatements {
    /** {@code hash << 32 | id} by identity hash. */
    private static final AtomicLongArray PREPARED = new AtomicLongArray(1 << 13);

    private PreparedStatements() {
    }

    /** Remembers a prepared statement's SQL operation (advice on {@code Connection.prepareStatement}). */
    public static void statementPrepared(Object statement, String sql) {
        if (statement == null) {
            return;
        }
        int id = RuntimeNames.sqlOperationId(sql);
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
        return RuntimeNames.sqlOperationId("");
    }

    /** Links {@link #PREPARED}'s {@code VarHandle} call sites; from {@link HotPath#warmUp}. */
    static void warmUp() {
        PREPARED.set(0, PREPARED.get(0)); // nothing is prepared before enabling
    }
}
