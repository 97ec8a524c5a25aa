package io.memagent.agent;

/** {@code java -jar memagent.jar}: prints what the jar is and how to attach it. */
public final class Cli {
    private Cli() {
    }

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("--version") || args[0].equals("version"))) {
            System.out.println("memagent " + AgentRuntime.version());
            return;
        }
        System.out.println("memagent " + AgentRuntime.version() + ": exact bytes per method for the JVM.\n"
                + "Attach it: java -javaagent:memagent.jar [-Dmemagent.jdbc.url=jdbc:postgresql://host/db] -jar app.jar\n"
                + "Commands: --version");
        if (args.length > 0 && !args[0].equals("--help") && !args[0].equals("help")) {
            System.err.println("unknown command: " + args[0]);
            System.exit(2);
        }
    }
}
