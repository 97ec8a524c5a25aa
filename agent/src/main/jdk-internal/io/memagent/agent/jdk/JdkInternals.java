package io.memagent.agent.jdk;

import java.lang.instrument.Instrumentation;
import java.util.Map;
import java.util.Set;

/**
 * The JDK internals the agent's start uses, called as plain methods: defining the bootstrap classes in
 * the boot loader, making the per-thread allocation counter's bean, and resolving a class's string constants.
 *
 * <p>Why plain calls: on JDK 22 and later a reflective call or a method handle's first use makes the JDK
 * generate classes with its class-file library (about 45 for the reflective define and the constant-pool
 * handles alone). That costs start-up time, and on JDK 24+ it is enough to get C1 to compile the
 * library's stack-map generator, whose compilation arena (about 7 MiB) then stays in the process's
 * resident memory. A plain call generates nothing.
 *
 * <p>How: this source is compiled apart from the rest of the agent (its own source root, without
 * {@code --release}, with {@code --add-exports} for the packages it uses), and the packages are exported
 * to the agent's module at run time by {@link #open} before any other method here runs; the JVM checks
 * access when a call is first linked, so each call links against the exported package. On a JDK without
 * one of these methods, the call throws a {@link LinkageError}, which the callers take as "not here".
 */
public final class JdkInternals {
    private JdkInternals() {
    }

    /** Exports {@code jdk.internal.misc}, {@code jdk.internal.reflect} and {@code jdk.internal.access} to the agent. */
    public static void open(Instrumentation inst) {
        Set<Module> self = Set.of(JdkInternals.class.getModule());
        inst.redefineModule(Object.class.getModule(), Set.of(), Map.of("jdk.internal.misc", self,
                "jdk.internal.reflect", self, "jdk.internal.access", self), Map.of(), Set.of(), Map.of());
    }

    /**
     * The JVM's per-thread allocation counter, as the bean {@code ManagementFactory.getThreadMXBean()} would give,
     * made directly: asking {@code ManagementFactory} builds the JDK's whole platform-bean registry first (its
     * providers, their components and lambdas), about 20 ms of a cold JVM's start. Exports
     * {@code sun.management} and {@code com.sun.management.internal} to the agent first. Throws a
     * {@link LinkageError} or a {@link RuntimeException} on a JDK that lacks them (a jlink image without
     * {@code jdk.management}): the caller then takes the platform's bean.
     */
    public static com.sun.management.ThreadMXBean threadCounter(Instrumentation inst) {
        Set<Module> self = Set.of(JdkInternals.class.getModule());
        Module platform = ModuleLayer.boot().findModule("java.management").orElse(null); // no lambdas: see above
        Module hotspot = ModuleLayer.boot().findModule("jdk.management").orElse(null);
        if (platform == null || hotspot == null) {
            throw new IllegalStateException("no java.management or jdk.management module in this JVM");
        }
        inst.redefineModule(hotspot, Set.of(), Map.of("com.sun.management.internal", self), Map.of(), Set.of(),
                Map.of());
        inst.redefineModule(platform, Set.of(), Map.of("sun.management", self), Map.of(), Set.of(), Map.of());
        PlatformBeans.exported();
        return new com.sun.management.internal.HotSpotThreadImpl(sun.management.ManagementFactoryHelper.getVMManagement());
    }

    /** Defines a class in the boot loader ({@link #open} first); a class it refers to must be defined before it. */
    public static Class<?> defineInBootLoader(String name, byte[] bytes) {
        return jdk.internal.misc.Unsafe.getUnsafe().defineClass(name, bytes, 0, bytes.length, null, null);
    }

    /**
     * Makes the Strings of every string constant in the class's constant pool, as {@code ldc} would, into the
     * cache the JIT's compile requests check ({@link #open} first). Returns how many there are.
     */
    public static int resolveStringConstants(Class<?> c) {
        jdk.internal.reflect.ConstantPool pool = jdk.internal.access.SharedSecrets.getJavaLangAccess().getConstantPool(c);
        int resolved = 0;
        for (int i = 1, n = pool.getSize(); i < n; i++) {
            jdk.internal.reflect.ConstantPool.Tag tag;
            try {
                tag = pool.getTagAt(i);
            } catch (IllegalArgumentException e) {
                continue; // the second slot of a long or double, or a tag this JDK's enum lacks
            }
            if (tag == jdk.internal.reflect.ConstantPool.Tag.STRING) {
                pool.getStringAt(i);
                resolved++;
            }
        }
        return resolved;
    }
}
