package io.memagent.agent.instrument;

import io.memagent.agent.jdk.JdkInternals;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Makes, at start, the Strings of the string constants of the JDK classes the hot path enters
 * inside measured calls ({@link #resolveForCounterReads}).
 *
 * <p>Why: HotSpot's first C2 compile request for a method makes the Strings of every unresolved
 * string constant of the method's class, on the requesting thread, at the method's entry.
 * {@code sun.management.ThreadImpl} holds a dozen exception messages (about a kilobyte), and every
 * measured call enters the counter read at its exit, inside its own window and its callers': left
 * to chance, the one call per JVM that crosses C2's threshold would carry them as its own. The
 * agent's own boot classes keep their literals in static initializers for the same reason.
 *
 * <p>How: {@code jdk.internal.reflect.ConstantPool#getStringAt} resolves a constant the way
 * {@code ldc} does, into the same cache the compile request checks ({@link JdkInternals}). Best
 * effort: on a JDK without that API nothing is done. It costs about 1.5 KB, once, on the agent's
 * start thread, off the app's start-up path; an app thread that crosses C2's threshold in those
 * first milliseconds would still make them.
 */
public final class JdkStringConstants {
    private JdkStringConstants() {
    }

    /**
     * The classes the thread counter read enters: the {@code ThreadMXBean} implementation and its superclasses,
     * the VM management object {@code ThreadImpl} asks whether counting is supported (its class holds 17
     * string constants: 424 bytes unmade on JDK 17, 488 on JDK 25, seen landing in one call), {@code Thread}
     * (JDK 21+: the read asks {@code isVirtual}) and {@code ThreadLocal} (the state lookup).
     */
    public static int resolveForCounterReads(Class<?> threadMxBeanClass) {
        Class<?> vmManagement;
        try {
            vmManagement = Class.forName("sun.management.VMManagementImpl", false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            vmManagement = Object.class; // another JDK's internals: nothing to add
        }
        return resolve(threadMxBeanClass, vmManagement, Thread.class, ThreadLocal.class);
    }

    /**
     * Returns how many string constants it resolved; 0 when the JDK's internals were not reachable. The packages
     * it needs were exported to the agent at start ({@code MemAgent} opens them to define the boot classes).
     */
    public static int resolve(Class<?>... classes) {
        try {
            int resolved = 0;
            for (Class<?> c : withSuperclasses(classes)) {
                resolved += JdkInternals.resolveStringConstants(c);
            }
            return resolved;
        } catch (Throwable t) {
            return 0;
        }
    }

    private static Set<Class<?>> withSuperclasses(Class<?>... classes) {
        Set<Class<?>> all = new LinkedHashSet<>();
        for (Class<?> c : classes) {
            for (Class<?> k = c; k != null && k != Object.class; k = k.getSuperclass()) {
                all.add(k);
            }
        }
        return all;
    }
}
