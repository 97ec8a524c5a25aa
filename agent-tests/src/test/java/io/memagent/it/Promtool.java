package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** {@code promtool check metrics} (Debian package prometheus): the exposition must pass its parser and linter. */
final class Promtool {
    private Promtool() {
    }

    static void check(String metrics) throws Exception {
        Process p = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(metrics.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("promtool did not finish");
        }
        assertEquals(0, p.exitValue(), "promtool check metrics failed:\n" + out + "\n--- metrics:\n" + metrics);
        assertEquals("", out.trim(), "promtool's lint has findings:\n" + out);
    }
}
