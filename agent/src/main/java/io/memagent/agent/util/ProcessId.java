package io.memagent.agent.util;

/**
 * This process's id. On Linux, the name {@code /proc/self} links to; elsewhere {@link ProcessHandle}, whose
 * first use sets up the JDK's process reaper (and makes the JDK generate classes for its lambdas): work the
 * agent's start, which names its run, its token file and its report by the pid, has no need to do.
 */
public final class ProcessId {
    private ProcessId() {
    }

    public static long current() {
        try {
            return Long.parseLong(new java.io.File("/proc/self").getCanonicalFile().getName());
        } catch (java.io.IOException | RuntimeException e) {
            return ProcessHandle.current().pid();
        }
    }
}
