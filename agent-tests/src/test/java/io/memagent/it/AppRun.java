package io.memagent.it;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts a real JVM with {@code -javaagent:agent/target/memagent.jar}, the way a user does,
 * and collects its exit code and output. The JDK is the one the build runs on, or
 * {@code memagenttest.javaHome} (the jdk25 execution).
 */
public final class AppRun {
    public static final String AGENT_JAR = prop("memagenttest.agentJar");
    public static final String SAMPLE_JAR = prop("memagenttest.sampleJar");
    public static final String API_CLASSES = prop("memagenttest.apiClasses");
    public static final String APP_CLASSES = prop("memagenttest.appClasses");
    public static final String APP_LIBS = prop("memagenttest.appLibs");

    private final List<String> jvmArgs = new ArrayList<>();
    private final Map<String, String> props = new LinkedHashMap<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<String> classpath = new ArrayList<>(List.of(APP_CLASSES, API_CLASSES));
    private final List<String> appArgs = new ArrayList<>();
    private String agentArgs;
    private boolean agent = true;
    private String mainClass;
    private String jar;
    private long timeoutSeconds = 120;

    private AppRun() {
    }

    private static String prop(String name) {
        String v = System.getProperty(name);
        if (v == null) {
            throw new IllegalStateException(name + " is not set: run the tests through Maven (mvn -B verify)");
        }
        return new File(v).getAbsolutePath();
    }

    public static AppRun main(Class<?> mainClass) {
        AppRun r = new AppRun();
        r.mainClass = mainClass.getName();
        return r;
    }

    public static AppRun jar(String jarPath) {
        AppRun r = new AppRun();
        r.jar = jarPath;
        return r;
    }

    /** The JDK the forked JVMs use. */
    public static String javaHome() {
        String home = System.getProperty("memagenttest.javaHome");
        return home != null && !home.isBlank() ? home : System.getProperty("java.home");
    }

    /** The feature version of {@link #javaHome()}'s JVM, e.g. 17 or 25. */
    public static int javaFeatureVersion() {
        try {
            Path release = Path.of(javaHome(), "release");
            for (String line : Files.readAllLines(release)) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return Runtime.version().feature();
    }

    public AppRun withoutAgent() {
        agent = false;
        return this;
    }

    public AppRun agentArgs(String args) {
        agentArgs = args;
        return this;
    }

    public AppRun prop(String key, Object value) {
        props.put(key, String.valueOf(value));
        return this;
    }

    public AppRun env(String key, String value) {
        env.put(key, value);
        return this;
    }

    public AppRun jvmArg(String arg) {
        jvmArgs.add(arg);
        return this;
    }

    public AppRun classpath(String entry) {
        classpath.add(entry);
        return this;
    }

    public AppRun args(String... args) {
        appArgs.addAll(List.of(args));
        return this;
    }

    public AppRun timeoutSeconds(long seconds) {
        timeoutSeconds = seconds;
        return this;
    }

    /** Points the agent at the test database, in {@code schema}, as service {@code service}. */
    public AppRun database(TestDatabase db, String schema, String service) {
        prop("memagent.jdbc.url", db.url);
        if (db.user != null) {
            prop("memagent.jdbc.user", db.user);
        }
        if (db.password != null) {
            prop("memagent.jdbc.password", db.password);
        }
        prop("memagent.db.schema", schema);
        prop("memagent.service.name", service);
        return this;
    }

    public List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(javaHome(), "bin", "java").toString());
        cmd.add("-Xshare:auto");
        if (agent) {
            cmd.add("-javaagent:" + AGENT_JAR + (agentArgs != null ? "=" + agentArgs : ""));
        }
        cmd.addAll(jvmArgs);
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        if (jar != null) {
            cmd.add("-jar");
            cmd.add(jar);
        } else {
            cmd.add("-cp");
            cmd.add(String.join(File.pathSeparator, classpath));
            cmd.add(mainClass);
        }
        cmd.addAll(appArgs);
        return cmd;
    }

    public Process start() throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command());
        pb.environment().keySet().removeIf(k -> k.startsWith("MEMAGENT_") && !k.startsWith("MEMAGENT_TEST_"));
        pb.environment().putAll(env);
        pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        return pb.start();
    }

    public Result run() throws IOException, InterruptedException {
        Path out = Files.createTempFile("memagent-it-out", ".txt");
        Path err = Files.createTempFile("memagent-it-err", ".txt");
        try {
            ProcessBuilder pb = new ProcessBuilder(command());
            pb.environment().keySet().removeIf(k -> k.startsWith("MEMAGENT_") && !k.startsWith("MEMAGENT_TEST_"));
            pb.environment().putAll(env);
            pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.redirectOutput(out.toFile());
            pb.redirectError(err.toFile());
            long start = System.nanoTime();
            Process p = pb.start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new AssertionError("the app did not finish within " + timeoutSeconds + " s: " + command()
                        + "\nstdout:\n" + Files.readString(out) + "\nstderr:\n" + Files.readString(err));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8), millis, command());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** What a finished JVM left behind. */
    public record Result(int exitCode, String stdout, String stderr, long millis, List<String> command) {
        /** The long value the app printed as {@code key=value} on stdout. */
        public long value(String key) {
            Matcher m = Pattern.compile("(?m)^" + Pattern.quote(key) + "=(-?\\d+)$").matcher(stdout);
            if (!m.find()) {
                throw new AssertionError("the app printed no " + key + "=...; " + this);
            }
            return Long.parseLong(m.group(1));
        }

        /** Lines of stderr the agent wrote. */
        public List<String> agentLines() {
            List<String> out = new ArrayList<>();
            for (String line : stderr.split("\n")) {
                if (line.startsWith("[memagent]")) {
                    out.add(line);
                }
            }
            return out;
        }

        public Result assertOk() {
            if (exitCode != 0) {
                throw new AssertionError("exit code " + exitCode + "; " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return "command: " + String.join(" ", command) + "\nexit: " + exitCode + "\nstdout:\n" + stdout
                    + "\nstderr:\n" + stderr;
        }
    }
}
