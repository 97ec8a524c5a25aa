package io.memagent.agent.runtime;

import io.memagent.agent.config.Config;
import io.memagent.agent.config.Keys;
import io.memagent.agent.config.Property;
import io.memagent.agent.util.AgentLog;
import io.memagent.agent.util.Secrets;

/**
 * The JDK modules two settings need, which an application started as a named module ({@code java -m} or
 * {@code --module}) may not have: such a JVM resolves only the modules its own module requires (and those bound as
 * services), so {@code java.sql} (for {@code memagent.jdbc.url}) and {@code jdk.httpserver} (for
 * {@code memagent.http.port}) are absent unless the command line adds them. The agent's classes cannot load what the
 * JVM did not resolve, so a setting whose module is missing is turned off with one error line that says what to add,
 * and the rest runs: without the database, the data stays in memory and the report is printed at exit.
 */
final class RequiredModules {
    private RequiredModules() {
    }

    /** {@code config} less what this JVM's modules cannot run, each such setting named in an error line. */
    static Config check(Config config) {
        Config c = config;
        if (c.jdbcUrl() != null && missing("java.sql")) {
            c = off(c, Keys.JDBC_URL, Secrets.mask(c.jdbcUrl()), "java.sql",
                    "memagent keeps its data in memory and prints the report at exit instead");
        }
        if (c.httpPort() >= 0 && missing("jdk.httpserver")) {
            c = off(c, Keys.HTTP_PORT, String.valueOf(c.httpPort()), "jdk.httpserver", "memagent serves no HTTP API");
        }
        return c;
    }

    private static Config off(Config c, Property<?> key, String value, String module, String meanwhile) {
        AgentLog.error(key.key() + " = " + value + " needs the JDK module " + module
                + ", which this JVM did not resolve: add --add-modules " + module + " to the java command line"
                + " (an application started with -m or --module resolves only the modules it requires; a jlink image"
                + " needs it linked in); until then " + meanwhile);
        return c.withoutKey(key, "off: the JDK module " + module + " is not resolved");
    }

    private static boolean missing(String module) {
        return ModuleLayer.boot().findModule(module).isEmpty();
    }
}
