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
    private final AttributionTypes types = new AttributionTypes();
    /** The names searched for in every class file, in one pass: the annotation's, and with attribution JDBC's, HTTP's. */
    private final ClassFileScan.Scanner scanner;

    /** @param instrumenter what builds and hands out the Byte Buddy transformer */
    PrefilteringTransformer(Instrumenter instrumenter, List<MethodPattern> includes, boolean jdbc, boolean http,
                            AnnotatedClassWeaver annotated) {
        this.instrumenter = instrumenter;
        this.includes = includes;
        this.jdbc = jdbc;
        this.http = http;
        this.annotated = annotated;
        this.scanner = ClassFileScan.scanner(jdbc, http);
    }

    /**
     * Loads and initializes every class this transformer's own code may need, by running that code once on
     * {@link TransformerProbe}'s class file, before the transformer is installed (on memagent-preload, beside
     * premain, which waits for it: {@link FilterPreload}). Why: a class
     * this code first needed while transforming would load inside another class's load, holding nothing but
     * waiting for that class's loading lock; when another agent's transformer runs on that class's load on a second
     * thread and waits for a class the first thread is loading, both hang for good (seen with the OpenTelemetry
     * agent: memagent-init loading ClassFileScan, in the OpenTelemetry agent's matcher, waited for a JDK class the
     * app's main thread was loading, whose load, in this transformer, waited for ClassFileScan). Afterwards the
     * only classes loaded from here are Byte Buddy's, on its own path, which another agent's transformer never
     * needs.
     */
    void preload(byte[] probeClassFile) throws java.io.IOException {
        byte[] probe = probeClassFile;
        if (probe == null) { // read here only when premain did not have it from the jar already
            try (java.io.InputStream in = PrefilteringTransformer.class.getResourceAsStream("TransformerProbe.class")) {
                if (in == null) {
                    throw new java.io.FileNotFoundException("TransformerProbe.class in the agent jar");
                }
                probe = in.readAllBytes();
            }
        }
        String name = "io/memagent/agent/instrument/TransformerProbe";
        ClassFileScan.ignored(name);
        ClassFileScan.otherAgents(name);
        ClassFileScan.isHttpFrameworkClass(name);
        scanner.find(probe);
        IncludeMatchers.matchesClass(includes, name.replace('/', '.'));
        handOff.bytes(probe, name);
        AnnotatedClassWeaver.exercise(probe);
        if (jdbc || http) {
            AttributionWeaver.declaredKinds(probe, AttributionTypes.JDBC | AttributionTypes.HTTP);
            types.kinds(ClassLoader.getSystemClassLoader(), probe, AttributionTypes.JDBC | AttributionTypes.HTTP);
            AttributionWeaver.weave(probe, AttributionTypes.JDBC | AttributionTypes.HTTP);
        }
        SynchronizedMethods.retransforming(null);
        AsmClasses.load(); // done already on memagent-preload: here for a caller that did not
        try {
            Class.forName(AgentLog.class.getName(), true, PrefilteringTransformer.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
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
            int mentions = scanner.find(classFile);
            boolean mentionsAnnotation = (mentions & ClassFileScan.ANNOTATION) != 0;
            boolean included = !includes.isEmpty() && IncludeMatchers.matchesClass(includes, className.replace('/', '.'));
            int kinds = appClass ? attributionKinds(loader, classFile, mentions) : 0;
            if (appClass && http && ClassFileScan.isHttpFrameworkClass(className)) {
                // WebFlux, Reactor Netty and Jersey classes take Byte Buddy's advice (WebFluxAdvice, JaxRsAdvice).
                kinds |= AttributionTypes.UNKNOWN;
            }
            boolean attributed = kinds != 0;
            if (!mentionsAnnotation && !included && !attributed) {
                return null;
            }
            if (attributed && !mentionsAnnotation && !included && redefined == null
                    && (kinds & AttributionTypes.UNKNOWN) == 0) {
                // A statement, connection, handler, servlet or filter as it loads: woven at once, without Byte Buddy.
                try {
                    return AttributionWeaver.weave(classFile, kinds);
                } catch (RuntimeException | LinkageError e) {
                    AgentLog.once("fastweave:" + className, "weaving " + className + " with Byte Buddy instead: " + e);
                }
            }
            // A class of a named module needs no more: the JVM makes a module whose class an agent transformed read
            // every unnamed module, the boot loader's (where the woven calls go) among them.
            if ((mentionsAnnotation || included) && !attributed && redefined == null && loader != null) {
                // An annotated or included class as it loads: woven at once, without waiting for Byte Buddy.
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

    /**
     * Which JDBC or HTTP advice may apply to the class ({@link AttributionTypes}' bits, 0 for none): a cheap byte
     * search first, then whether it declares a method to weave, then its supertypes, from class files. Only those
     * classes are woven.
     */
    private int attributionKinds(ClassLoader loader, byte[] classFile, int mentions) {
        boolean mentionsJdbc = (mentions & ClassFileScan.JDBC) != 0;
        boolean mentionsHttp = (mentions & ClassFileScan.HTTP) != 0;
        if (!mentionsJdbc && !mentionsHttp) {
            return 0;
        }
        int mentioned = (mentionsJdbc ? AttributionTypes.JDBC : 0) | (mentionsHttp ? AttributionTypes.HTTP : 0);
        int declared = AttributionWeaver.declaredKinds(classFile, mentioned);
        if (declared == 0) {
            return 0; // nothing to weave here, whatever its supertypes: they are not read
        }
        return types.kinds(loader, classFile, declared); // only the kinds it has methods for are looked for
    }

    @Override
    public byte[] transform(ClassLoader loader, String className, Class<?> redefined,
                            ProtectionDomain domain, byte[] classFile) throws IllegalClassFormatException {
        return transform(null, loader, className, redefined, domain, classFile);
    }
}
