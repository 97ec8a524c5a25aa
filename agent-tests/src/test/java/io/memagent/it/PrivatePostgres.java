package io.memagent.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL cluster of the test's own (initdb/pg_ctl under a temp directory, its own port),
 * so a test can stop and start "the database" without touching anyone else's. Runs the server
 * as the {@code postgres} user when the tests run as root. With {@code CI=true} missing
 * binaries fail the test; elsewhere it is skipped with the reason.
 */
final class PrivatePostgres implements AutoCloseable {
    final Path dir;
    final int port;
    private final Path bin;
    private final boolean asPostgresUser;

    private PrivatePostgres(Path bin, Path dir, int port, boolean asPostgresUser) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
        this.asPostgresUser = asPostgresUser;
    }

    /** initdb with {@code auth} ("trust", or "scram-sha-256" with the given superuser password), then start. */
    static PrivatePostgres create(String auth, String superuserPassword) throws Exception {
        Path bin = findBin();
        Path dir = Files.createTempDirectory("memagent-pg-");
        boolean root = "root".equals(System.getProperty("user.name"));
        PrivatePostgres pg = new PrivatePostgres(bin, dir, freePort(), root);
        if (root) {
            exec(List.of("chown", "postgres", dir.toString()));
        }
        List<String> initdb = new ArrayList<>(List.of(bin.resolve("initdb").toString(), "-D", pg.data(), "-U", "postgres",
                "-A", auth, "--no-sync", "-E", "UTF8"));
        if (superuserPassword != null) {
            Path pw = dir.resolve("pw");
            Files.writeString(pw, superuserPassword + "\n");
            if (root) {
                exec(List.of("chown", "postgres", pw.toString()));
            }
            initdb.add("--pwfile=" + pw);
        }
        pg.run(initdb);
        pg.start();
        return pg;
    }

    private static Path findBin() {
        String env = System.getenv("MEMAGENT_TEST_PG_BIN");
        if (env != null) {
            return Path.of(env);
        }
        File[] versions = new File("/usr/lib/postgresql").listFiles();
        if (versions != null) {
            return Arrays.stream(versions).map(File::toPath).filter(p -> Files.isExecutable(p.resolve("bin/initdb")))
                    .max(Comparator.comparing(p -> Integer.parseInt(p.getFileName().toString().replaceAll("\\D", "0"))))
                    .map(p -> p.resolve("bin")).orElseGet(PrivatePostgres::missing);
        }
        return missing();
    }

    private static Path missing() {
        String why = "no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin; set MEMAGENT_TEST_PG_BIN";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(why);
        }
        Assumptions.abort(why);
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    String url(String database) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    void start() throws Exception {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data(), "-w", "-t", "60", "-l", dir.resolve("log").toString(),
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=20",
                "start"));
    }

    /** An abrupt stop, as when the database host goes away. */
    void stop() throws Exception {
        run(List.of(bin.resolve("pg_ctl").toString(), "-D", data(), "-w", "-m", "immediate", "stop"));
    }

    /** Runs SQL as the superuser over the Unix socket (no password needed there with trust). */
    void psql(String sql) throws Exception {
        run(List.of(bin.resolve("psql").toString(), "-h", dir.toString(), "-p", String.valueOf(port), "-U", "postgres",
                "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-c", sql));
    }

    private void run(List<String> command) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (asPostgresUser) {
            cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        cmd.addAll(command);
        exec(cmd);
    }

    private static void exec(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } catch (Exception alreadyStopped) {
            // stopped by the test
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
