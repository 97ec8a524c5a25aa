package io.memagent.agent.instrument;

import io.memagent.bootstrap.NamedWindows;
import io.memagent.bootstrap.RuntimeNames;
import io.memagent.bootstrap.PreparedStatements;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into JDBC drivers' (and pools' proxies') statement and connection classes when
 * {@code memagent.attribute.jdbc} is on. A statement's call is recorded as the operation its SQL
 * names ({@code DB.SELECT.users}); only the outermost statement call on a thread is recorded, so a
 * pool's proxy and the driver under it count once.
 */
final class JdbcAdvice {
    private JdbcAdvice() {
    }

    /** {@code Statement.execute*(String sql, ...)}: the SQL is at hand. */
    static final class WithSql {
        private WithSql() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.Argument(0) String sql) {
            return NamedWindows.enterScoped(RuntimeNames.sqlOperationId(sql), NamedWindows.SCOPE_DB);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long entered, @Advice.Thrown Throwable thrown) {
            NamedWindows.exitScoped(entered, NamedWindows.SCOPE_DB, thrown != null);
        }
    }

    /** {@code PreparedStatement.execute*()} and {@code executeBatch()}: the SQL was seen at prepare time. */
    static final class Prepared {
        private Prepared() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.This Object statement) {
            return NamedWindows.enterScoped(PreparedStatements.statementOperationId(statement), NamedWindows.SCOPE_DB);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long entered, @Advice.Thrown Throwable thrown) {
            NamedWindows.exitScoped(entered, NamedWindows.SCOPE_DB, thrown != null);
        }
    }

    /** {@code Connection.prepareStatement/prepareCall(String sql, ...)}: remember the statement's SQL. */
    static final class Prepare {
        private Prepare() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Argument(0) String sql, @Advice.Return Object statement) {
            PreparedStatements.statementPrepared(statement, sql);
        }
    }
}
