package io.memagent.agent.http;

import java.lang.management.ManagementFactory;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The JVM's DiagnosticCommand MBean (what {@code jcmd} talks to): {@code GC.run}, which runs a
 * collection even under {@code -XX:+DisableExplicitGC} (that flag only gates
 * {@code System.gc()}). The class histogram has its home in {@code detect.ClassHistogram}.
 */
final class DiagnosticCommands {
    private DiagnosticCommands() {
    }

    private static Object invoke(String operation) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
        return server.invoke(name, operation, new Object[]{new String[0]}, new String[]{String[].class.getName()});
    }

    static void gcRun() throws Exception {
        invoke("gcRun");
    }
}
