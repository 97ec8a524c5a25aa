package io.memagent.agent.instrument;

import io.memagent.agent.config.MethodPattern;
import io.memagent.agent.util.AgentLog;
import io.memagent.bootstrap.HotPath;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.security.ProtectionDomain;
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
import static net.bytebuddy.matcher.ElementMatchers.not;

/**
 * What Byte Buddy weaves, and where: {@link ProfileAdvice} into annotated and included methods
 * (with synchronized methods rewritten, and a warning for annotated abstract ones), and with
 * attribution on, {@link JdbcAdvice}, {@link HttpAdvice} and {@link ServletAdvice} into the JDBC,
 * JDK HTTP server and servlet types, matched by type hierarchy. Making this transformer is the
 * costly part of start-up, so it is made once, on the memagent-weaver thread;
 * {@link Instrumenter} decides when, and {@link PrefilteringTransformer} hands it only the classes
 * that may need it.
 */
final class ByteBuddyTransformer {
    private ByteBuddyTransformer() {
    }

    /** @param jdbc {@code memagent.attribute.jdbc}; @param http {@code memagent.attribute.http} */
    static ClassFileTransformer make(Instrumentation inst, OperationRegistry registry, List<MethodPattern> includes,
                                     boolean jdbc, boolean http) {
        OperationNaming naming = new OperationNaming();
        ElementMatcher.Junction<MethodDescription> profiled = isAnnotatedWith(named(OperationNaming.ANNOTATION))
                .or(isDeclaredBy(isAnnotatedWith(named(OperationNaming.ANNOTATION))))
                .or(IncludeMatchers.methods(includes));
        ElementMatcher.Junction<MethodDescription> methods = profiled
                .and(not(isConstructor()))
                .and(not(isTypeInitializer()))
                .and(not(isAbstract()))
                .and(not(isNative()))
                .and(not(isSynthetic()))
                .and(not(isBridge()));
        ElementMatcher.Junction<TypeDescription> types = isAnnotatedWith(named(OperationNaming.ANNOTATION))
                .or(declaresMethod(isAnnotatedWith(named(OperationNaming.ANNOTATION))))
                .or(IncludeMatchers.types(includes));
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
                .with(OtherAgentsTypePool.INSTANCE) // FAST, and other agents' generated types from their loaded classes
                // Describe a retransformed class from its class file, as at load, not from the loaded
                // class: a synchronized method rewritten at load must be found (and rewritten) again.
                .with(AgentBuilder.DescriptionStrategy.Default.POOL_ONLY)
                .with(AgentBuilder.InjectionStrategy.Disabled.INSTANCE) // inline advice needs no helper classes
                .with(new ErrorListener())
                .assureReadEdgeTo(inst, HotPath.class)
                .ignore(new ElementMatcher.Junction.AbstractBase<TypeDescription>() { // the pre-filter's list, by name
                    @Override
                    public boolean matches(TypeDescription type) {
                        return ClassFileScan.ignored(type.getInternalName());
                    }
                }.or(isSynthetic()))
                .type(types)
                .transform(visiting(advice.on(methods)))
                .transform((b, type, loader, module, domain) -> SynchronizedMethods.rewrite(b, type, loader, methods))
                .transform(ByteBuddyTransformer::warnAbstractAnnotated);
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
            builder = weaveFrameworks(builder);
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
     * The web frameworks whose requests are not servlet calls, or whose route is not a servlet
     * attribute, each by the one class where it can be seen ({@link ClassFileScan#FRAMEWORK_CLASSES}):
     * Spring WebFlux's {@code HttpWebHandlerAdapter} and Reactor Netty's handler application
     * ({@link WebFluxAdvice}), Jersey's resource-method invoker ({@link JaxRsAdvice}).
     */
    private static AgentBuilder weaveFrameworks(AgentBuilder builder) {
        return builder
                .type(named("org.springframework.web.server.adapter.HttpWebHandlerAdapter"))
                .transform(visiting(Advice.to(WebFluxAdvice.Handle.class).on(named("handle").and(takesArguments(2))
                        .and(takesArgument(0, named("org.springframework.http.server.reactive.ServerHttpRequest"))))))
                .transform(visiting(Advice.to(WebFluxAdvice.Exchange.class).on(named("createExchange")
                        .and(takesArguments(2)))))
                .type(named("reactor.netty.http.server.HttpServer$HttpServerHandle"))
                .transform(visiting(Advice.to(WebFluxAdvice.ServerScope.class).on(named("onStateChange")
                        .and(takesArguments(2)))))
                .type(named("org.glassfish.jersey.server.model.ResourceMethodInvoker"))
                .transform(visiting(Advice.to(JaxRsAdvice.class).on(named("apply").and(takesArguments(1))
                        .and(takesArgument(0, named(
                                "org.glassfish.jersey.server.internal.process.RequestProcessingContext"))))));
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

    private static final class ErrorListener extends AgentBuilder.Listener.Adapter {
        @Override
        public void onError(String typeName, ClassLoader loader, JavaModule module, boolean loaded, Throwable throwable) {
            AgentLog.once("instrument:" + typeName, "could not instrument " + typeName + ": " + throwable);
        }
    }
}
