package io.memagent.agent.instrument;

import io.memagent.agent.config.MethodPattern;
import io.memagent.agent.util.AgentLog;
import io.memagent.bootstrap.AgentOverhead;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.security.ProtectionDomain;
import java.util.List;

/**
 * The cheap gate in front of Byte Buddy, the one transformer the agent installs (at premain, on
 * the app's main thread). Every class load passes through it, so it decides from the raw bytes
 * ({@link ClassFileScan}) and the class name ({@link IncludeMatchers}) alone: most classes are
 * passed over untouched, an annotated class as it loads is woven at once by
 * {@link AnnotatedClassWeaver}, and only what may need Byte Buddy (include patterns, attribution,
 * retransformation) waits for the Byte Buddy transformer {@link Instrumenter} builds. What this
 * costs the loading thread is counted as the agent's overhead.
 */
final class PrefilteringTransformer implements ClassFileTransformer {
    /** Every thread the agent starts is named so (memagent-init, -writer, -aggregator, -sampler, ...). */
    private static final String AGENT_THREAD_PREFIX = "memagent-";
    private static final ClassLoader PLATFORM_LOADER = ClassLoader.getPlatformClassLoader();

    private final ClassHandOff handOff = ClassHandOff.measure();
    private final Instrumenter instrumenter;
    private final List<MethodPattern> includes;
    private final boolean jdbc;
    private final boolean http;
    private final AnnotatedClassWeaver annotated;

    /** @param instrumenter what builds and hands out the Byte Buddy transformer */
    PrefilteringTransformer(Instrumenter instrumenter, List<MethodPattern> includes, boolean jdbc, boolean http,
                            AnnotatedClassWeaver annotated) {
        this.instrumenter = instrumenter;
        this.includes = includes;
        this.jdbc = jdbc;
        this.http = http;
        this.annotated = annotated;
    }

    /**
     * Whatever the agent allocates and the time it takes here, on the thread that loads the
     * class, is the agent's: taken off the calls open on that thread and reported as agent
     * overhead ({@link AgentOverhead}). Four clock and counter reads per class load. The same call marks
     * every call open on the thread cold: a call that loads classes pays one-off costs (its first use's set-up),
     * so it must not read as a spike or skew the percentiles; marking here costs class loads only, never the
     * calls' hot path, which reads the mark with one compare at exit.
     */
    @Override
    public byte[] transform(Module module, ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] classFile) throws IllegalClassFormatException {
        if (Thread.currentThread().getName().startsWith(AGENT_THREAD_PREFIX)) {
            return transformFiltered(module, loader, className, redefined, domain, classFile);
        }
        long counterBefore = AgentOverhead.counter();
        long nanosBefore = System.nanoTime();
        try {
            return transformFiltered(module, loader, className, redefined, domain, classFile);
        } finally {
            AgentOverhead.classLoadWork(counterBefore, nanosBefore, handOff.bytes(classFile, className));
        }
    }

    private byte[] transformFiltered(Module module, ClassLoader loader, String className, Class<?> redefined,
                                     ProtectionDomain domain, byte[] classFile) {
        try {
            if (className == null || ClassFileScan.ignored(className)) {
                return null;
            }
            // The JDBC and HTTP types of the JDK itself (javax.sql.DataSource, ...) are interfaces the
            // agent's own start loads too: only the app's classes are attribution candidates.
            boolean appClass = loader != null && loader != PLATFORM_LOADER;
            boolean mentionsAnnotation = ClassFileScan.mentionsAnnotation(classFile);
            boolean included = !includes.isEmpty() && IncludeMatchers.matchesClass(includes, className.replace('/', '.'));
            boolean attributed = (appClass && jdbc && ClassFileScan.mentionsJdbcType(classFile))
                    || (appClass && http && (ClassFileScan.mentionsHttpType(classFile)
                            || ClassFileScan.isHttpFrameworkClass(className)));
            if (!mentionsAnnotation && !included && !attributed) {
                return null;
            }
            if (mentionsAnnotation && !included && !attributed && redefined == null && loader != null) {
                // An annotated class as it loads: woven at once, without waiting for Byte Buddy.
                try {
                    AnnotatedClassWeaver.Result woven = annotated.weave(loader, classFile);
                    if (!woven.leaveToByteBuddy()) {
                        return woven.bytes();
                    }
                } catch (RuntimeException | LinkageError e) {
                    // A class file this weaver cannot handle (e.g. a method too large once woven): Byte Buddy tries.
                    AgentLog.once("fastweave:" + className, "weaving " + className + " with Byte Buddy instead: " + e);
                }
            }
            if (!instrumenter.byteBuddySettled() && Thread.currentThread().getName().startsWith(AGENT_THREAD_PREFIX)) {
                // An agent thread (memagent-weaver among them, which builds Byte Buddy) must never wait
                // for Byte Buddy: it would wait for itself. Agent threads run no app code before then.
                return null;
            }
            ClassFileTransformer ready = instrumenter.awaitByteBuddy();
            SynchronizedMethods.retransforming(redefined);
            try {
                return ready.transform(module, loader, className, redefined, domain, classFile);
            } finally {
                SynchronizedMethods.retransforming(null);
            }
        } catch (Throwable t) {
            AgentLog.once("transform:" + className, "could not instrument " + className + ": " + t);
            return null;
        }
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] classFile) throws IllegalClassFormatException {
        return transform(null, loader, className, redefined, domain, classFile);
    }
}
