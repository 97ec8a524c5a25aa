package io.memagent.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** A forked app that stays up: read its stdout line by line, signal it, collect its stderr. */
final class LiveApp implements AutoCloseable {
    final Process process;
    private final BufferedReader stdout;
    private final StringBuilder stderr = new StringBuilder();
    private final Thread stderrPump;
    private final StringBuilder stdoutRest = new StringBuilder();
    private Thread stdoutPump;

    LiveApp(AppRun run) throws IOException {
        process = run.start();
        stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        stderrPump = new Thread(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                    synchronized (stderr) {
                        stderr.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        stderrPump.setDaemon(true);
        stderrPump.start();
    }

    /** Blocks until the app prints a line starting with {@code prefix}; returns that line. */
    String awaitLine(String prefix) throws IOException, InterruptedException {
        for (String line; (line = stdout.readLine()) != null; ) {
            if (line.startsWith(prefix)) {
                return line;
            }
        }
        throw new AssertionError("the app ended without printing " + prefix + "; stderr:\n" + stderr());
    }

    /**
     * After the last {@link #awaitLine}: reads the rest of stdout in the background, so an app that
     * logs to stdout (Spring Boot) never blocks on a full pipe; {@link #stdoutRest} returns it.
     */
    void pumpStdout() {
        stdoutPump = new Thread(() -> {
            try {
                for (String line; (line = stdout.readLine()) != null; ) {
                    synchronized (stdoutRest) {
                        stdoutRest.append(line).append('\n');
                    }
                }
            } catch (IOException ignored) {
                // the process is gone
            }
        });
        stdoutPump.setDaemon(true);
        stdoutPump.start();
    }

    /** What {@link #pumpStdout} read; complete once the app has exited. */
    String stdoutRest() throws InterruptedException {
        if (stdoutPump != null && !process.isAlive()) {
            stdoutPump.join(10_000);
        }
        synchronized (stdoutRest) {
            return stdoutRest.toString();
        }
    }

    /** Waits until the app's stderr contains {@code text}. */
    void awaitStderr(String text, long timeoutSeconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        while (true) {
            synchronized (stderr) {
                if (stderr.indexOf(text) >= 0) {
                    return;
                }
            }
            if (System.nanoTime() > deadline || !process.isAlive()) {
                synchronized (stderr) {
                    throw new AssertionError("no '" + text + "' on the app's stderr:\n" + stderr);
                }
            }
            Thread.sleep(20);
        }
    }

    /**
     * SIGTERM, as an orchestrator stopping a container sends. Through the ProcessHandle:
     * {@code Process.destroy()} also closes our ends of the app's pipes, and whatever the app
     * writes while shutting down would be lost.
     */
    int terminate(long timeoutSeconds) throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the app did not exit within " + timeoutSeconds + " s of SIGTERM; stderr:\n" + stderr());
        }
        return process.exitValue();
    }

    /** What the app has written to stderr so far (it may still be running). */
    String stderrSoFar() {
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    String stderr() throws InterruptedException {
        stderrPump.join(10_000); // after exit the pump ends at EOF
        synchronized (stderr) {
            return stderr.toString();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
