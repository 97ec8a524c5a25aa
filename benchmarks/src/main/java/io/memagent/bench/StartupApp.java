package io.memagent.bench;

/**
 * The trivial app of the start-up benchmark: prints one line and exits. With the argument
 * {@code profiled} it first makes one call to a profiled method, so its start includes weaving
 * that class (which cannot happen before the agent's Byte Buddy is ready).
 */
public final class StartupApp {
    private StartupApp() {
    }

    public static void main(String[] args) {
        int n = args.length > 0 && args[0].equals("profiled") ? Profiled.small().length : 0;
        System.out.println("hello " + n);
    }
}
