package io.memagent.agent.runtime;

import io.memagent.agent.util.Secrets;
import io.memagent.agent.config.Config;
import io.memagent.agent.report.DbReport;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * {@code java -jar memagent.jar}: prints what the jar is and how to attach it, and runs the
 * {@code report} command, which reads the database and prints the same report as the exit report.
 */
public final class Cli {
    static final String REPORT_USAGE = "usage: java -jar memagent.jar report --jdbc-url jdbc:postgresql://host/db"
            + " [--user USER] [--password PASSWORD] [--schema public] [--service NAME] [--since 24h]"
            + " [--format text|json|csv]\n"
            + "  --service defaults to the service of the most recent run; --since takes 90s, 15m, 1h, 7d or an"
            + " ISO-8601 instant.\n  MEMAGENT_JDBC_URL, MEMAGENT_JDBC_USER, MEMAGENT_JDBC_PASSWORD and MEMAGENT_DB_SCHEMA"
            + " are read when the options are not given.";
    private static final Set<String> REPORT_OPTIONS = Set.of("--jdbc-url", "--user", "--password", "--schema",
            "--service", "--since", "--format");

    private Cli() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--version") || args[0].equals("version"))) {
            System.out.println("memagent " + AgentRuntime.version());
            return;
        }
        if (args.length > 0 && args[0].equals("report")) {
            System.exit(report(List.of(args).subList(1, args.length)));
        }
        if (args.length > 0 && (args[0].equals("attach") || args[0].equals("list"))) {
            System.exit(attachOrList(args));
        }
        System.out.println("memagent " + AgentRuntime.version() + ": exact bytes per method for the JVM.\n"
                + "Start it with the app: java -javaagent:memagent.jar [-Dmemagent.jdbc.url=jdbc:postgresql://host/db]"
                + " -jar app.jar\n"
                + "Commands: --version\n  " + AttachCommand.USAGE.substring("usage: ".length()) + "\n  "
                + REPORT_USAGE.substring("usage: ".length()));
        if (args.length > 0 && !args[0].equals("--help") && !args[0].equals("help")) {
            System.err.println("unknown command: " + args[0]);
            System.exit(2);
        }
    }

    /** {@code attach} and {@code list} need the JDK's {@code jdk.attach} module, which a JRE or a jlink image may lack. */
    static int attachOrList(String[] args) {
        if (ModuleLayer.boot().findModule("jdk.attach").isEmpty()) {
            System.err.println("memagent " + args[0] + ": this Java runtime (" + System.getProperty("java.home")
                    + ") has no jdk.attach module, which " + args[0] + " needs: run it with a JDK's java"
                    + " (any JDK 17 or newer works, whatever the target runs)");
            return 3;
        }
        AttachCommand command = new AttachCommand(System.out, System.err);
        return args[0].equals("list") ? command.list() : command.attach(List.of(args).subList(1, args.length)
                .toArray(new String[0]));
    }

    /** Returns the exit code: 0 printed, 1 the database could not be read, 2 bad arguments. */
    static int report(List<String> args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--help")) {
                System.out.println(REPORT_USAGE);
                return 0;
            }
            if (!REPORT_OPTIONS.contains(a) || i + 1 >= args.size()) {
                System.err.println("memagent report: " + (REPORT_OPTIONS.contains(a) ? a + " needs a value" : "unknown option " + a)
                        + "\n" + REPORT_USAGE);
                return 2;
            }
            o.put(a, args.get(++i));
        }
        String url = o.getOrDefault("--jdbc-url", System.getenv("MEMAGENT_JDBC_URL"));
        String user = o.getOrDefault("--user", System.getenv("MEMAGENT_JDBC_USER"));
        String password = o.getOrDefault("--password", System.getenv("MEMAGENT_JDBC_PASSWORD"));
        String schema = o.getOrDefault("--schema", System.getenv().getOrDefault("MEMAGENT_DB_SCHEMA", "public"));
        String format = o.getOrDefault("--format", "text");
        String sinceText = o.getOrDefault("--since", "24h");
        if (url == null || !url.startsWith("jdbc:postgresql:")) {
            System.err.println("memagent report: --jdbc-url must be a PostgreSQL JDBC URL starting with jdbc:postgresql:\n"
                    + REPORT_USAGE);
            return 2;
        }
        if (!schema.matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
            System.err.println("memagent report: --schema '" + schema + "' is not a PostgreSQL identifier");
            return 2;
        }
        if (!Set.of("text", "json", "csv").contains(format)) {
            System.err.println("memagent report: --format '" + format + "' is not valid: expected text, json or csv");
            return 2;
        }
        Long since = DbReport.parseSince(sinceText, System.currentTimeMillis());
        if (since == null) {
            System.err.println("memagent report: --since '" + sinceText + "' is not valid: expected 90s, 15m, 1h, 7d"
                    + " or an ISO-8601 instant such as 2026-11-23T00:00:00Z");
            return 2;
        }
        io.memagent.agent.store.DriverLog.install();
        Secrets.register(password);
        Secrets.registerFrom(url);
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "memagent report");
        try (Connection c = new org.postgresql.Driver().connect(url, props)) {
            c.setReadOnly(true);
            String service = o.containsKey("--service") ? o.get("--service") : DbReport.latestService(c, schema);
            if (service == null) {
                System.err.println("memagent report: no agent runs in schema " + schema + " at " + Secrets.mask(url));
                return 1;
            }
            System.out.print(new DbReport(c, schema, service, since).render(format));
            System.out.flush();
            return 0;
        } catch (SQLException e) {
            System.err.println("memagent report: cannot read " + Secrets.mask(url) + " (schema " + schema + "): "
                    + Secrets.mask(e.getMessage()) + (e.getSQLState() != null ? " [SQLState " + e.getSQLState() + "]" : ""));
            return 1;
        }
    }
}
