package io.memagent.agent.http;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * The JVM's DiagnosticCommand MBean (what {@code jcmd} talks to): {@code GC.run}, which runs a
 * collection even under {@code -XX:+DisableExplicitGC} (that flag only gates
 * {@code System.gc()}), and {@code GC.class_histogram}.
 */
final class DiagnosticCommands implements ClassHistogram {
    private static final Pattern HISTOGRAM_LINE = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");

    private static Object invoke(String operation) throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("com.sun.management:type=DiagnosticCommand");
        return server.invoke(name, operation, new Object[]{new String[0]}, new String[]{String[].class.getName()});
    }

    static void gcRun() throws Exception {
        invoke("gcRun");
    }

    /** Parses lines like {@code "   1:    1234    567890  [B (java.base@17.0.15)"}. */
    static List<Entry> parseHistogram(String text) {
        List<Entry> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = HISTOGRAM_LINE.matcher(line);
            if (m.find()) {
                out.add(new Entry(m.group(3), Long.parseLong(m.group(1)), Long.parseLong(m.group(2))));
            }
        }
        return out;
    }

    @Override
    public List<Entry> take() throws Exception {
        return parseHistogram(String.valueOf(invoke("gcClassHistogram")));
    }
}
