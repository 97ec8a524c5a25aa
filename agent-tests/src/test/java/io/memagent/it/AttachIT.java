package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.AttachTargetApp;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code java -jar memagent.jar attach PID} and {@code list}, run with the JDK the target runs on,
 * against a JVM started without the agent: exact calls after the attach, and each refusal with its
 * line and exit code.
 */
class AttachIT {
    private static AppRun.Result command(String... args) throws Exception {
        return AppRun.jar(AppRun.AGENT_JAR).withoutAgent().args(args).timeoutSeconds(60).run();
    }

    @Test
    void theCommandAttachesToARunningJvmWhoseLaterCallsAreExact(@TempDir Path tmp) throws Exception {
        Path go = tmp.resolve("go");
        try (LiveApp app = new LiveApp(AppRun.main(AttachTargetApp.class).withoutAgent()
                .jvmArg("-XX:+IgnoreUnrecognizedVMOptions").jvmArg("-XX:+EnableDynamicAgentLoading")
                .args(go.toString()))) {
            app.awaitLine("before=");
            String pid = String.valueOf(app.process.pid());

            AppRun.Result list = command("list");
            assertEquals(0, list.exitCode(), list.toString());
            assertTrue(list.stdout().lines().anyMatch(l -> l.startsWith(pid + " " + AttachTargetApp.class.getName())),
                    "list shows the target as jcmd -l does: " + list);

            AppRun.Result attach = command("attach", pid, "service.name=attached-by-command,http.names.max=50");
            assertEquals(0, attach.exitCode(), attach.toString());
            assertTrue(attach.stdout().contains("attached to pid " + pid + " (service 'attached-by-command'): classes loaded"
                    + " before now are instrumented in the background"), attach.toString());
            assertTrue(attach.stdout().contains("Its lines and the exit report go to the target's standard error (pipe:"),
                    attach.toString());
            assertEquals("", attach.stderr(), "nothing went wrong: " + attach);
            app.awaitStderr("instrumented 1 already-loaded classes", 60);

            AppRun.Result again = command("attach", pid);
            assertEquals(5, again.exitCode(), again.toString());
            assertTrue(again.stderr().startsWith("memagent attach: pid " + pid + " already runs memagent "), again.toString());
            assertTrue(again.stderr().contains("(service 'attached-by-command'); nothing was attached"), again.toString());

            Files.createFile(go);
            String truth = app.awaitLine("truth.work=");
            StringBuilder calls = new StringBuilder(); // each call as the app saw it, for the message below
            for (int i = 0; i < 40; i++) {
                calls.append(app.awaitLine("call ")).append('\n');
            }
            app.awaitLine("after=");
            assertTrue(app.process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, app.process.exitValue());
            String err = app.stderr();
            assertTrue(err.contains(" started for service 'attached-by-command' (from memagent.service.name)"), err);
            long exact = Long.parseLong(truth.substring("truth.work=".length()));
            Matcher m = Pattern.compile("(?m)^AttachTargetApp\\.work\\s+(\\d+)\\s+\\S+ \\S+\\s+([\\d,]+)\\s+([\\d,]+)\\s+([\\d,]+)")
                    .matcher(err);
            assertTrue(m.find(), err);
            assertEquals(40, Long.parseLong(m.group(1)), "only the calls after the attach: " + err);
            for (int g = 2; g <= 4; g++) {
                assertEquals(exact, Long.parseLong(m.group(g).replace(",", "")), "average, min and max, to the byte: " + err
                        + "\nthe calls as the app measured them (its counter less the agent's bytes; the raw counter):\n"
                        + calls);
            }
        }
    }

    @Test
    void eachRefusalHasItsLineAndExitCode(@TempDir Path tmp) throws Exception {
        AppRun.Result noPid = command("attach");
        assertEquals(2, noPid.exitCode(), noPid.toString());
        assertTrue(noPid.stderr().startsWith("memagent attach: no PID given\nusage: java -jar memagent.jar attach PID"),
                noPid.toString());

        long gone = ProcessHandle.current().pid() + 4_000_000;
        AppRun.Result noSuch = command("attach", String.valueOf(gone));
        assertEquals(3, noSuch.exitCode(), noSuch.toString());
        assertEquals("memagent attach: no process with pid " + gone + " (java -jar memagent.jar list shows the JVMs this"
                + " user can attach to)\n", noSuch.stderr());

        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            AppRun.Result notJvm = command("attach", String.valueOf(sleeper.pid()));
            assertEquals(3, notJvm.exitCode(), notJvm.toString());
            assertEquals("memagent attach: pid " + sleeper.pid() + " is not a Java virtual machine (no libjvm in its"
                    + " memory map)\n", notJvm.stderr());
            assertTrue(notJvm.millis() < 10_000, "answered without waiting for an attach that cannot come: " + notJvm);
        } finally {
            sleeper.destroyForcibly();
        }

        Path go = tmp.resolve("go");
        boolean jdk21Plus = AppRun.javaFeatureVersion() >= 21;
        AppRun target = AppRun.main(AttachTargetApp.class).withoutAgent().args(go.toString());
        if (jdk21Plus) {
            target.jvmArg("-XX:-EnableDynamicAgentLoading");
        }
        try (LiveApp app = new LiveApp(target)) {
            app.awaitLine("before=");
            String pid = String.valueOf(app.process.pid());
            AppRun.Result badKey = command("attach", pid, "service.name=x,http.prot=9404");
            assertEquals(2, badKey.exitCode(), badKey.toString());
            assertTrue(badKey.stderr().startsWith("memagent attach: unknown key memagent.http.prot"), badKey.toString());
            assertTrue(badKey.stderr().endsWith("; nothing was attached\n"), badKey.toString());

            AppRun.Result noAttachModule = AppRun.jar(AppRun.AGENT_JAR).withoutAgent()
                    .jvmArg("--limit-modules").jvmArg("java.se,jdk.management").args("attach", pid).run();
            assertEquals(3, noAttachModule.exitCode(), noAttachModule.toString());
            assertTrue(noAttachModule.stderr().startsWith("memagent attach: this Java runtime (" + AppRun.javaHome()),
                    noAttachModule.toString());
            assertTrue(noAttachModule.stderr().contains(") has no jdk.attach module, which attach needs: run it with a"
                    + " JDK's java"), noAttachModule.toString());

            AppRun.Result attach = command("attach", pid);
            if (jdk21Plus) {
                assertEquals(4, attach.exitCode(), attach.toString());
                assertEquals("memagent attach: pid " + pid + " was started with -XX:-EnableDynamicAgentLoading and refuses"
                        + " agents loaded after start: restart it with -javaagent:" + Path.of(AppRun.AGENT_JAR).toAbsolutePath().normalize()
                        + "\n", attach.stderr());
            } else {
                // JDK 17 loads agents after start without a word.
                assertEquals(0, attach.exitCode(), attach.toString());
                assertTrue(!attach.stdout().contains("note:"), attach.toString());
            }
            Files.createFile(go);
            app.awaitLine("after=");
            assertTrue(app.process.waitFor(60, TimeUnit.SECONDS));
            assertEquals(!jdk21Plus, app.stderr().contains("==== memagent report"), app.stderr());
        }
    }

    @Test
    void onJdk21AndLaterTheCommandSaysWhatTheTargetPrints(@TempDir Path tmp) throws Exception {
        if (AppRun.javaFeatureVersion() < 21) {
            return; // JDK 17 prints nothing on a late attach; the test above covers it
        }
        Path go = tmp.resolve("go");
        try (LiveApp app = new LiveApp(AppRun.main(AttachTargetApp.class).withoutAgent().args(go.toString()))) {
            app.awaitLine("before=");
            String pid = String.valueOf(app.process.pid());
            AppRun.Result attach = command("attach", pid);
            assertEquals(0, attach.exitCode(), attach.toString());
            assertTrue(attach.stdout().startsWith("note: pid " + pid + " runs Java " + AppRun.javaFeatureVersion()
                    + ", which prints \"WARNING: A Java agent has been loaded dynamically\" on its standard error;"), attach.toString());
            app.awaitStderr("WARNING: A Java agent has been loaded dynamically (" + Path.of(AppRun.AGENT_JAR).toAbsolutePath().normalize(), 60);
            Files.createFile(go);
            app.awaitLine("after=");
            assertTrue(app.process.waitFor(60, TimeUnit.SECONDS));
        }
    }
}
