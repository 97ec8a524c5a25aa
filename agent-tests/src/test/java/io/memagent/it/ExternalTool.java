package io.memagent.it;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Runs a tool installed on the machine (chromium, prometheus) with its output collected. */
final class ExternalTool {
    private ExternalTool() {
    }

    record Output(int exitCode, String stdout, String stderr) {
    }

    static Output run(List<String> command, long timeoutSeconds) throws Exception {
        return run(null, command, timeoutSeconds);
    }

    /** @param dir the working directory, or null for the tests' own */
    static Output run(Path dir, List<String> command, long timeoutSeconds) throws Exception {
        Path out = Files.createTempFile("memagent-tool-out", ".txt");
        Path err = Files.createTempFile("memagent-tool-err", ".txt");
        try {
            Process p = new ProcessBuilder(command).directory(dir == null ? null : dir.toFile()).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(command.get(0) + " did not finish within " + timeoutSeconds + " s:\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Output(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
