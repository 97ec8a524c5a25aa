package io.memagent.agent.instrument;

import io.memagent.agent.util.AgentLog;
import io.memagent.agent.config.MethodPattern;
import io.memagent.bootstrap.AgentOverhead;
import io.memagent.bootstrap.Recorder;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.scaffold.TypeValidation;
import net.bytebuddy.matcher.ElementMatcher;
import net.bytebuddy.utility.JavaModule;

import static net.bytebuddy.matcher.ElementMatchers.declaresMethod;
import static net.bytebuddy.matcher.ElementMatchers.hasSuperType;
import static net.bytebuddy.matcher.ElementMatchers.isInterface;
import static net.bytebuddy.matcher.ElementMatchers.takesArgument;
import static net.bytebuddy.matcher.ElementMatchers.takesArguments;
import static net.bytebuddy.matcher.ElementMatchers.isAbstract;
import static net.bytebuddy.matcher.ElementMatchers.isAnnotatedWith;
import static net.bytebuddy.matcher.ElementMatchers.isBridge;
import static net.bytebuddy.matcher.ElementMatchers.isConstructor;
import static net.bytebuddy.matcher.ElementMatchers.isDeclaredBy;
import static net.bytebuddy.matcher.ElementMatchers.isNative;
import static net.bytebuddy.matcher.ElementMatchers.isSynthetic;
import static net.bytebuddy.matcher.ElementMatchers.isTypeInitializer;
import static net.bytebuddy.matcher.ElementMatchers.named;
import static net.bytebuddy.matcher.ElementMatchers.nameStartsWith;
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * Weaves {@link ProfileAdvice} into methods annotated {@code @ProfileMemory} (matched by
 * name, so any class loader's copy of the API works), methods of annotated types, and methods
 * matched by {@code memagent.include}.
 *
 * <p>Start-up cost is mostly Byte Buddy describing classes, so a cheap filter runs first on the
 * raw class bytes: a class whose constant pool does not mention the annotation, and whose name
 * matches no include pattern, is passed over without Byte Buddy ever seeing it.
 */
public final class Instrumenter {
    private static final byte[] ANNOTATION_DESCRIPTOR =
            ("L" + OperationNaming.ANNOTATION.replace('.', '/') + ";").getBytes(StandardCharsets.UTF_8);
    /** Never instrumented: the agent itself, its shaded libraries, and the JDK the hot path uses. */
    private static final String[] IGNORED_PREFIXES = {
        "io/memagent/agent/", "io/memagent/bootstrap/", "io/memagent/shaded/", "io/memagent/api/",
        "java/", "javax/management/", "jdk/", "sun/", "com/sun/",
    };

    /** Every thread the agent starts is named so (memagent-init, -writer, -aggregator, -sampler, ...). */
    private static final String AGENT_THREAD_PREFIX = "memagent-";
    private static final ClassLoader PLATFORM_LOADER = ClassLoader.getPlatformClassLoader();

    /** How long a class that needs weaving may wait for Byte Buddy to be ready. */
    private static final long READY_TIMEOUT_SECONDS = 30;

    /** With memagent.attribute.jdbc: classes that may implement a JDBC statement or connection. */
    private static final byte[] JDBC_MENTION = "java/sql/".getBytes(StandardCharsets.UTF_8);
    /** With memagent.attribute.http: classes that may implement the JDK HTTP server's handler. */
    private static final byte[] HTTP_MENTION = "com/sun/net/httpserver/HttpHandler".getBytes(StandardCharsets.UTF_8);
    /** With memagent.attribute.http: classes that may implement a servlet or filter of either API. */
    private static final byte[] JAKARTA_SERVLET_MENTION = "jakarta/servlet/".getBytes(StandardCharsets.UTF_8);
    private static final byte[] JAVAX_SERVLET_MENTION = "javax/servlet/".getBytes(StandardCharsets.UTF_8);
    /** The servlet APIs' packages, each with its advice; matched by name, the agent never loads them. */
    private static final String[] SERVLET_PACKAGES = {"jakarta.servlet.", "javax.servlet."};

    private final List<MethodPattern> includes;
    private final boolean jdbc;
    private final boolean http;
    private final java.util.concurrent.CompletableFuture<ClassFileTransformer> delegate =
            new java.util.concurrent.CompletableFuture<>();
    private final java.util.concurrent.atomic.AtomicBoolean building = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Instrumentation inst;
    private volatile OperationRegistry registry;

    /** @param jdbc {@code memagent.attribute.jdbc}; @param http {@code memagent.attribute.http} */
    public Instrumenter(List<MethodPattern> includes, boolean jdbc, boolean http) {
        this.includes = includes;
        this.jdbc = jdbc;
        this.http = http;
    }

    /**
     * Installs the cheap pre-filter now, on the premain thread. Byte Buddy is built later by
     * {@link #build}; a class that needs weaving before then waits for it (bounded).
     */
    public void installFilter(Instrumentation inst, OperationRegistry registry) {
        this.inst = inst;
        this.registry = registry;
        inst.addTransformer(new PrefilteringTransformer(new AnnotatedClassWeaver(registry)), true);
    }

    /**
     * Whether Byte Buddy will surely be needed (include patterns, attribution, classes already
     * loaded): then it is built at once. Otherwise annotated classes never need it, and it is
     * built only if a class does (another agent retransforming one, an old class file).
     */
    public boolean needsByteBuddy(boolean attached) {
        return attached || !includes.isEmpty() || jdbc || http;
    }

    /** Starts building Byte Buddy on the memagent-weaver thread, once. */
    public void startBuild() {
        if (!building.compareAndSet(false, true)) {
            return;
        }
        Thread weaver = new Thread(() -> {
            try {
                build(inst, registry);
            } catch (Throwable t) {
                AgentLog.error("memagent cannot instrument classes (" + t + "); profiled methods run unmeasured");
            }
        }, "memagent-weaver");
        weaver.setDaemon(true);
        weaver.start();
    }

    /** Builds the Byte Buddy transformer (the costly part of start-up); called on the agent's weaver thread. */
    public void build(Instrumentation inst, OperationRegistry registry) {
        try {
            delegate.complete(makeTransformer(inst, registry));
        } catch (Throwable t) {
            delegate.completeExceptionally(t);
            throw t;
        }
    }

    /** Waits (bounded) until {@link #build} has finished, or failed. */
    public void awaitBuilt() {
        startBuild();
        try {
            delegate.get(READY_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // retransformLoaded finds no transformer ready and reports each class it could not weave
        }
    }

    /** The agent will not start after all: classes waiting for Byte Buddy load unchanged, at once. */
    public void abandon(Throwable why) {
        delegate.completeExceptionally(why);
    }

    private ClassFileTransformer makeTransformer(Instrumentation inst, OperationRegistry registry) {
        OperationNaming naming = new OperationNaming();
        ElementMatcher.Junction<MethodDescription> profiled = isAnnotatedWith(named(OperationNaming.ANNOTATION))
                .or(isDeclaredBy(isAnnotatedWith(named(OperationNaming.ANNOTATION))))
                .or(new IncludeMethodMatcher(includes));
        ElementMatcher.Junction<MethodDescription> methods = profiled
                .and(not(isConstructor()))
                .and(not(isTypeInitializer()))
                .and(not(isAbstract()))
                .and(not(isNative()))
                .and(not(isSynthetic()))
                .and(not(isBridge()));
        ElementMatcher.Junction<TypeDescription> types = isAnnotatedWith(named(OperationNaming.ANNOTATION))
                .or(declaresMethod(isAnnotatedWith(named(OperationNaming.ANNOTATION))))
                .or(new IncludeTypeMatcher(includes));
        // AgentBuilder.Default's constructor prepares Byte Buddy's Nexus (type initializers we never
        // use), which touches sun.misc.Unsafe and makes JDK 24+ print a deprecation warning. The
        // property name is relocated with Byte Buddy, so this affects only the agent's own copy.
        System.setProperty(net.bytebuddy.dynamic.Nexus.PROPERTY, "true");
        Advice advice = Advice.withCustomMapping()
                .bind(new OperationIdBinding(registry, naming))
                .to(ProfileAdvice.class);
        AgentBuilder builder = new AgentBuilder.Default(new ByteBuddy().with(TypeValidation.DISABLED))
                .disableClassFormatChanges()
                .with(AgentBuilder.RedefinitionStrategy.RETRANSFORMATION)
                .with(AgentBuilder.PoolStrategy.Default.FAST)
                // Describe a retransformed class from its class file, as at load, not from the loaded
                // class: a synchronized method rewritten at load must be found (and rewritten) again.
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.InjectionStrategy.Disabled.INSTANCE) // inline advice needs no helper classes
                .with(new ErrorListener())
                .assureReadEdgeTo(inst, Recorder.class)
                .ignore(nameStartsWith("io.memagent.agent.")
                        .or(nameStartsWith("io.memagent.bootstrap."))
                        .or(nameStartsWith("io.memagent.shaded."))
                        .or(isSynthetic()))
                .type(types)
                .transform(visiting(advice.on(methods)))
                .transform((b, type, loader, module, domain) -> SynchronizedMethods.rewrite(b, type, loader, methods))
                .transform(Instrumenter::warnAbstractAnnotated);
        if (jdbc) {
            ElementMatcher.Junction<MethodDescription> concrete = not(isAbstract()).and(not(isBridge()));
            ElementMatcher.Junction<MethodDescription> executes = named("execute").or(named("executeQuery"))
                    .or(named("executeUpdate")).or(named("executeLargeUpdate"));
            builder = builder
                    .type(not(isInterface()).and(hasSuperType(named("java.sql.Statement"))))
                    .transform(visiting(Advice.to(JdbcAdvice.WithSql.class)
                            .on(concrete.and(executes).and(takesArgument(0, String.class)))))
                    .transform(visiting(Advice.to(JdbcAdvice.Prepared.class).on(concrete.and(takesArguments(0))
                            .and(executes.or(named("executeBatch")).or(named("executeLargeBatch"))))))
                    .type(not(isInterface()).and(hasSuperType(named("java.sql.Connection"))))
                    .transform(visiting(Advice.to(JdbcAdvice.Prepare.class).on(concrete
                            .and(named("prepareStatement").or(named("prepareCall")))
                            .and(takesArgument(0, String.class)))));
        }
        if (http) {
            builder = builder
                    .type(not(isInterface()).and(hasSuperType(named("com.sun.net.httpserver.HttpHandler"))))
                    .transform(visiting(Advice.to(HttpAdvice.class).on(not(isAbstract()).and(named("handle"))
                            .and(takesArguments(1))
                            .and(takesArgument(0, named("com.sun.net.httpserver.HttpExchange"))))));
            builder = weaveServlets(builder, "jakarta.servlet.", ServletAdvice.Jakarta.class);
            builder = weaveServlets(builder, "javax.servlet.", ServletAdvice.Javax.class);
        }
        return builder.makeRaw();
    }

    /**
     * A servlet's {@code service(ServletRequest, ServletResponse)} and a filter's
     * {@code doFilter(ServletRequest, ServletResponse, FilterChain)}, of one servlet API. Only
     * these exact signatures: {@code HttpServlet}'s protected {@code service(HttpServletRequest, ...)}
     * and {@code doGet} run inside the public {@code service}, and the advice records only the
     * outermost call anyway.
     */
    private static AgentBuilder weaveServlets(AgentBuilder builder,
                                              String pkg, Class<?> adviceClass) {
        ElementMatcher.Junction<MethodDescription> concrete = not(isAbstract()).and(not(isBridge()));
        Advice advice = Advice.to(adviceClass);
        return builder
                .type(not(isInterface()).and(hasSuperType(named(pkg + "Servlet"))))
                .transform(visiting(advice.on(concrete.and(named("service")).and(takesArguments(2))
                        .and(takesArgument(0, named(pkg + "ServletRequest")))
                        .and(takesArgument(1, named(pkg + "ServletResponse"))))))
                .type(not(isInterface()).and(hasSuperType(named(pkg + "Filter"))))
                .transform(visiting(advice.on(concrete.and(named("doFilter")).and(takesArguments(3))
                        .and(takesArgument(0, named(pkg + "ServletRequest")))
                        .and(takesArgument(1, named(pkg + "ServletResponse")))
                        .and(takesArgument(2, named(pkg + "FilterChain"))))));
    }

    /**
     * {@code @ProfileMemory} on an abstract or interface method has no body to measure (the
     * implementations are what run): say so once per method instead of ignoring it silently.
     */
    private static DynamicType.Builder<?> warnAbstractAnnotated(DynamicType.Builder<?> builder, TypeDescription type,
                                                               ClassLoader loader, JavaModule module,
                                                               ProtectionDomain domain) {
        for (MethodDescription.InDefinedShape m : type.getDeclaredMethods()
                .filter(isAbstract().and(isAnnotatedWith(named(OperationNaming.ANNOTATION))))) {
            String name = type.getName() + "#" + m.getName();
            AgentLog.once("abstract:" + name, "@ProfileMemory on " + name + " is ignored: the method is abstract"
                    + (type.isInterface() ? " (an interface method)" : "") + ", so it has no body to measure;"
                    + " annotate the implementing methods or their classes");
        }
        return builder;
    }

    private static AgentBuilder.Transformer visiting(net.bytebuddy.asm.AsmVisitorWrapper visitor) {
        return new AgentBuilder.Transformer() {
            @Override
            public DynamicType.Builder<?> transform(DynamicType.Builder<?> builder, TypeDescription type,
                                                    ClassLoader loader, JavaModule module, ProtectionDomain domain) {
                return builder.visit(visitor);
            }
        };
    }

    /** Retransforms already-loaded candidates (agentmain: the agent arrived after the app's classes). */
    public void retransformLoaded(Instrumentation inst) {
        if (inst.isRetransformClassesSupported()) {
            List<Class<?>> candidates = new ArrayList<>();
            for (Class<?> c : inst.getAllLoadedClasses()) {
                if (inst.isModifiableClass(c) && !c.isArray() && !c.isPrimitive() && isLoadedCandidate(c)) {
                    candidates.add(c);
                }
            }
            for (Class<?> c : candidates) {
                try {
                    inst.retransformClasses(c);
                } catch (Throwable t) {
                    AgentLog.once("retransform:" + c.getName(), "could not instrument already-loaded " + c.getName() + ": " + t);
                }
            }
            AgentLog.info("instrumented " + candidates.size() + " already-loaded classes");
        }
    }

    private boolean isLoadedCandidate(Class<?> c) {
        String internal = c.getName().replace('.', '/');
        if (ignored(internal)) {
            return false;
        }
        if (matchesInclude(c.getName())) {
            return true;
        }
        if (!c.isInterface() && ((jdbc && (java.sql.Statement.class.isAssignableFrom(c) || java.sql.Connection.class.isAssignableFrom(c)))
                || (http && (com.sun.net.httpserver.HttpHandler.class.isAssignableFrom(c) || isServletOrFilter(c))))) {
            return true;
        }
        try {
            if (hasProfileMemory(c.getDeclaredAnnotations())) {
                return true;
            }
            for (java.lang.reflect.Method m : c.getDeclaredMethods()) {
                if (hasProfileMemory(m.getDeclaredAnnotations())) {
                    return true;
                }
            }
        } catch (Throwable t) {
            return false; // a class whose members cannot be resolved is not ours to touch
        }
        return false;
    }

    /** By name, through the loaded hierarchy: the agent has no servlet API of its own. */
    private static boolean isServletOrFilter(Class<?> c) {
        for (Class<?> k = c; k != null; k = k.getSuperclass()) {
            if (implementsServletType(k.getInterfaces())) {
                return true;
            }
        }
        return false;
    }

    private static boolean implementsServletType(Class<?>[] interfaces) {
        for (Class<?> i : interfaces) {
            for (String pkg : SERVLET_PACKAGES) {
                if (i.getName().equals(pkg + "Servlet") || i.getName().equals(pkg + "Filter")) {
                    return true;
                }
            }
            if (implementsServletType(i.getInterfaces())) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasProfileMemory(java.lang.annotation.Annotation[] annotations) {
        for (java.lang.annotation.Annotation a : annotations) {
            if (a.annotationType().getName().equals(OperationNaming.ANNOTATION)) {
                return true;
            }
        }
        return false;
    }

    private static boolean ignored(String internalName) {
        for (String p : IGNORED_PREFIXES) {
            if (internalName.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesInclude(String className) {
        for (MethodPattern p : includes) {
            if (p.matchesClass(className)) {
                return true;
            }
        }
        return false;
    }

    static boolean mentionsAnnotation(byte[] classFile) {
        return mentions(classFile, ANNOTATION_DESCRIPTOR);
    }

    /** A JDK HTTP server handler, or anything of either servlet API (a servlet, a filter, a container). */
    static boolean mentionsHttpType(byte[] classFile) {
        return mentions(classFile, HTTP_MENTION) || mentions(classFile, JAKARTA_SERVLET_MENTION)
                || mentions(classFile, JAVAX_SERVLET_MENTION);
    }

    static boolean mentions(byte[] classFile, byte[] needle) {
        byte first = needle[0];
        int last = classFile.length - needle.length;
        outer:
        for (int i = 0; i <= last; i++) {
            if (classFile[i] != first) {
                continue;
            }
            for (int j = 1; j < needle.length; j++) {
                if (classFile[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** The cheap gate in front of Byte Buddy. */
    private final class PrefilteringTransformer implements ClassFileTransformer {
        private final ClassHandOff handOff = ClassHandOff.measure();
        private final AnnotatedClassWeaver annotated;

        PrefilteringTransformer(AnnotatedClassWeaver annotated) {
            this.annotated = annotated;
        }

        /**
         * Whatever the agent allocates and the time it takes here, on the thread that loads the
         * class, is the agent's: taken off the calls open on that thread and reported as agent
         * overhead ({@link AgentOverhead}). Four clock and counter reads per class load.
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
                if (className == null || ignored(className)) {
                    return null;
                }
                // The JDBC and HTTP types of the JDK itself (javax.sql.DataSource, ...) are interfaces the
                // agent's own start loads too: only the app's classes are attribution candidates.
                boolean appClass = loader != null && loader != PLATFORM_LOADER;
                boolean mentionsAnnotation = mentionsAnnotation(classFile);
                boolean included = !includes.isEmpty() && matchesInclude(className.replace('/', '.'));
                boolean attributed = (appClass && jdbc && mentions(classFile, JDBC_MENTION))
                        || (appClass && http && mentionsHttpType(classFile));
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
                if (!delegate.isDone() && Thread.currentThread().getName().startsWith(AGENT_THREAD_PREFIX)) {
                    // An agent thread (memagent-weaver among them, which builds Byte Buddy) must never wait
                    // for Byte Buddy: it would wait for itself. Agent threads run no app code before then.
                    return null;
                }
                startBuild();
                ClassFileTransformer ready = delegate.get(READY_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
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

    private static final class IncludeTypeMatcher extends ElementMatcher.Junction.AbstractBase<TypeDescription> {
        private final List<MethodPattern> includes;

        IncludeTypeMatcher(List<MethodPattern> includes) {
            this.includes = includes;
        }

        @Override
        public boolean matches(TypeDescription target) {
            for (MethodPattern p : includes) {
                if (p.matchesClass(target.getName())) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class IncludeMethodMatcher extends ElementMatcher.Junction.AbstractBase<MethodDescription> {
        private final List<MethodPattern> includes;

        IncludeMethodMatcher(List<MethodPattern> includes) {
            this.includes = includes;
        }

        @Override
        public boolean matches(MethodDescription target) {
            if (includes.isEmpty()) {
                return false;
            }
            String cls = target.getDeclaringType().asErasure().getName();
            for (MethodPattern p : includes) {
                if (p.matchesClass(cls) && p.matchesMethod(target.getName())) {
                    return true;
                }
            }
            return false;
        }
    }

    private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
            AgentLog.once("instrument:" + typeName, "could not instrument " + typeName + ": " + throwable);
        }
    }
}
