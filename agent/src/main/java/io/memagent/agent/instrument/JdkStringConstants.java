package io.memagent.agent.instrument;

import java.lang.instrument.Instrumentation;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Makes, at start, the Strings of the string constants of the JDK classes the hot path enters
 * inside measured calls (the thread counter read's {@code ThreadImpl}, {@code ThreadLocal}).
 *
 * <p>Why: HotSpot's first C2 compile request for a method makes the Strings of every unresolved
 * string constant of the method's class, on the requesting thread, at the method's entry.
 * {@code sun.management.ThreadImpl} holds a dozen exception messages (about a kilobyte), and every
 * measured call enters the counter read at its exit, inside its own window and its callers': left
 * to chance, the one call per JVM that crosses C2's threshold would carry them as its own. The
 * agent's own boot classes keep their literals in static initializers for the same reason.
 *
 * <p>How: {@code jdk.internal.reflect.ConstantPool#getStringAt} resolves a constant the way
 * {@code ldc} does, into the same cache the compile request checks. Best effort: on a JDK without
 * that API nothing is done. It costs about a kilobyte and 20 ms of the agent's start thread, once,
 * off the app's start-up path; an app thread that crosses C2's threshold in those first milliseconds
 * would still make them.
 */
public final class JdkStringConstants {
    private JdkStringConstants() {
    }

    /** Returns how many string constants it resolved; 0 when the JDK's internals were not reachable. */
    public static int resolve(Instrumentation inst, Class<?>... classes) {
        try {
            Module self = JdkStringConstants.class.getModule();
            inst.redefineModule(Object.class.getModule(), Set.of(), Map.of("jdk.internal.reflect", Set.of(self),
                    "jdk.internal.access", Set.of(self)), Map.of(), Set.of(), Map.of());
            MethodHandles.Lookup lookup = MethodHandles.lookup(); // exported to this module just above
            Class<?> access = Class.forName("jdk.internal.access.JavaLangAccess");
            Class<?> pool = Class.forName("jdk.internal.reflect.ConstantPool");
            Object javaLang = lookup.findStatic(Class.forName("jdk.internal.access.SharedSecrets"), "getJavaLangAccess",
                    MethodType.methodType(access)).invoke();
            MethodHandle poolOf = lookup.findVirtual(access, "getConstantPool", MethodType.methodType(pool, Class.class));
            MethodHandle size = lookup.findVirtual(pool, "getSize", MethodType.methodType(int.class));
            Class<?> tag = Class.forName("jdk.internal.reflect.ConstantPool$Tag");
            MethodHandle tagAt = lookup.findVirtual(pool, "getTagAt", MethodType.methodType(tag, int.class));
            MethodHandle stringAt = lookup.findVirtual(pool, "getStringAt", MethodType.methodType(String.class, int.class));
            Object stringTag = Enum.valueOf(tag.asSubclass(Enum.class), "STRING");
            int resolved = 0;
            for (Class<?> c : withSuperclasses(classes)) {
                Object cp = poolOf.invoke(javaLang, c);
                int n = (int) size.invoke(cp);
                for (int i = 1; i < n; i++) {
                    Object t;
                    try {
                        t = tagAt.invoke(cp, i);
                    } catch (IllegalArgumentException e) {
                        continue; // the second slot of a long or double, or a tag this JDK's enum lacks
                    }
                    if (t == stringTag) {
                        stringAt.invoke(cp, i);
                        resolved++;
                    }
                }
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
