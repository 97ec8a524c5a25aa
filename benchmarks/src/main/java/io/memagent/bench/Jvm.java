package io.memagent.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starts a JVM of the same JDK as this one and returns its output (stdout and stderr together). */
final class Jvm {
    private Jvm() {
    }

    static String run(List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(args);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }

    /** The number in a {@code key=123} line. */
    static long value(String out, String key) {
        return Long.parseLong(group(out, "(?m)^" + Pattern.quote(key) + "=(\\d+)", key));
    }

    static String group(String out, String regex, String what) {
        Matcher m = Pattern.compile(regex).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + what + " in:\n" + out);
        }
        return m.group(1);
    }
}
