package io.memagent.agent.runtime;

import com.sun.tools.attach.AgentInitializationException;
import com.sun.tools.attach.AgentLoadException;
import com.sun.tools.attach.AttachNotSupportedException;
import com.sun.tools.attach.VirtualMachine;
import com.sun.tools.attach.VirtualMachineDescriptor;
import io.memagent.agent.config.Config;
import io.memagent.agent.config.ConfigException;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

/**
 * {@code java -jar memagent.jar attach PID [key=value,...]} and {@code list}: the Attach API
 * ({@code jdk.attach}) loads this jar into a running JVM as {@code -javaagent} would have, with the
 * same keys. Only {@link Cli} loads this class, after checking that {@code jdk.attach} is there.
 *
 * <p>Exit codes: 0 attached (or listed); 1 the target did not start the agent (its standard error
 * says why); 2 bad arguments; 3 no such process, or not a JVM this user can attach to; 4 the target
 * refuses agents loaded after start; 5 the target already runs memagent.
 */
final class AttachCommand {
    /** Set in a JVM once memagent runs there (either way it came): how {@code attach} sees it. */
    static final String RUNNING_PROPERTY = "io.memagent.version";
    static final String SERVICE_PROPERTY = "io.memagent.service";
    static final String USAGE = "usage: java -jar memagent.jar attach PID [key=value,...]   (keys as in"
            + " -javaagent:memagent.jar=key=value,..., e.g. http.port=9404,service.name=orders)\n"
            + "       java -jar memagent.jar list";

    private final PrintStream out;
    private final PrintStream err;

    AttachCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int list() {
        long self = ProcessHandle.current().pid();
        for (VirtualMachineDescriptor d : VirtualMachine.list()) {
            if (!d.id().equals(String.valueOf(self))) {
                out.println(d.id() + " " + (d.displayName().isBlank() ? "<no main class>" : d.displayName()));
            }
        }
        return 0;
    }

    int attach(String[] args) {
        if (args.length < 1 || args.length > 2 || !args[0].matches("[0-9]{1,10}")) {
            err.println("memagent attach: " + (args.length < 1 ? "no PID given" : args.length > 2
                    ? "too many arguments: put every key in one comma-separated argument"
                    : "'" + args[0] + "' is not a process id") + "\n" + USAGE);
            return 2;
        }
        String pid = args[0];
        String agentArgs = args.length == 2 ? args[1] : "";
        try {
            Config.load(agentArgs, new Properties(), Map.of()); // the target would refuse these too: say it here
        } catch (ConfigException e) {
            err.println("memagent attach: " + e.getMessage() + "; nothing was attached");
            return 2;
        }
        if (pid.equals(String.valueOf(ProcessHandle.current().pid()))) {
            err.println("memagent attach: " + pid + " is this command's own process");
            return 3;
        }
        if (ProcessHandle.of(Long.parseLong(pid)).isEmpty()) {
            err.println("memagent attach: no process with pid " + pid + " (java -jar memagent.jar list shows the JVMs"
                    + " this user can attach to)");
            return 3;
        }
        if (!runsAJvm(pid)) {
            err.println("memagent attach: pid " + pid + " is not a Java virtual machine (no libjvm in its memory map)");
            return 3;
        }
        VirtualMachine vm;
        try {
            vm = VirtualMachine.attach(pid);
        } catch (AttachNotSupportedException | IOException | RuntimeException e) {
            err.println("memagent attach: cannot attach to pid " + pid + ": " + e.getMessage() + ". It must be a JVM run"
                    + " by this user (or root), started without -XX:+DisableAttachMechanism, in this container");
            return 3;
        }
        try {
            Properties system = vm.getSystemProperties();
            String running = system.getProperty(RUNNING_PROPERTY);
            if (running != null) {
                err.println("memagent attach: pid " + pid + " already runs memagent " + running + " (service '"
                        + system.getProperty(SERVICE_PROPERTY, "?") + "'); nothing was attached");
                return 5;
            }
            String jvmArgs = vm.getAgentProperties().getProperty("sun.jvm.args", "");
            if (jvmArgs.contains("-XX:-EnableDynamicAgentLoading")) {
                err.println("memagent attach: pid " + pid + " was started with -XX:-EnableDynamicAgentLoading and refuses"
                        + " agents loaded after start: restart it with -javaagent:" + jarPath());
                return 4;
            }
            int feature = featureVersion(system.getProperty("java.specification.version", "17"));
            if (feature >= 21 && !jvmArgs.contains("-XX:+EnableDynamicAgentLoading")) {
                out.println("note: pid " + pid + " runs Java " + feature + ", which prints \"WARNING: A Java agent has been"
                        + " loaded dynamically\" on its standard error; start it with -XX:+EnableDynamicAgentLoading to"
                        + " allow this without the warning");
            }
            try {
                vm.loadAgent(jarPath(), agentArgs);
            } catch (AgentLoadException e) {
                boolean refused = String.valueOf(e.getMessage()).contains("EnableDynamicAgentLoading");
                err.println("memagent attach: pid " + pid + (refused ? " refuses agents loaded after start: restart it"
                        + " with -javaagent:" + jarPath() : " could not load the agent: " + e.getMessage()));
                return refused ? 4 : 1;
            } catch (AgentInitializationException e) {
                err.println("memagent attach: pid " + pid + " could not start the agent: " + e.getMessage());
                return 1;
            }
            Properties after = vm.getSystemProperties();
            String where = standardError(pid);
            if (after.getProperty(RUNNING_PROPERTY) == null) {
                err.println("memagent attach: pid " + pid + " did not start memagent; its standard error" + where
                        + " says why");
                return 1;
            }
            out.println("memagent " + after.getProperty(RUNNING_PROPERTY) + " attached to pid " + pid + " (service '"
                    + after.getProperty(SERVICE_PROPERTY, "?") + "'): classes loaded before now are instrumented in the"
                    + " background and measured from then on. Its lines and the exit report go to the target's standard"
                    + " error" + where + ".");
            return 0;
        } catch (IOException | RuntimeException e) {
            err.println("memagent attach: pid " + pid + " did not answer: " + e);
            return 1;
        } finally {
            try {
                vm.detach();
            } catch (IOException ignored) {
                // the target may have exited meanwhile
            }
        }
    }

    /**
     * False only when {@code /proc/PID/maps} can be read and maps no {@code libjvm}: then an attach
     * would wait 10 s for an answer that never comes. Elsewhere (not Linux, not readable) the attach
     * itself tells.
     */
    static boolean runsAJvm(String pid) {
        try (java.util.stream.Stream<String> maps = Files.lines(Path.of("/proc", pid, "maps"),
                java.nio.charset.StandardCharsets.ISO_8859_1)) {
            return maps.anyMatch(l -> l.contains("/libjvm."));
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    private static int featureVersion(String specification) {
        try {
            return Integer.parseInt(specification.startsWith("1.") ? specification.substring(2) : specification);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Where the target's standard error goes, from {@code /proc} (Linux), or empty when that cannot be read. */
    static String standardError(String pid) {
        try {
            Path target = Files.readSymbolicLink(Path.of("/proc", pid, "fd", "2"));
            return " (" + target + ")";
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String jarPath() {
        try {
            return new File(AttachCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toPath()
                    .toAbsolutePath().normalize().toString();
        } catch (Exception e) {
            throw new IllegalStateException("cannot tell where memagent.jar is: " + e);
        }
    }
}
