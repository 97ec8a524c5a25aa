package io.memagent.agent.instrument;

import io.memagent.agent.config.MethodPattern;
import io.memagent.agent.util.AgentLog;
import java.lang.instrument.Instrumentation;
import java.util.ArrayList;
import java.util.List;

/**
 * agentmain's part: the agent arrived after the app's classes, so the ones it would have woven at
 * load are found among the loaded classes and retransformed. It asks the loaded {@link Class}
 * (reflection: annotations, the type hierarchy) what the pre-filter asks the raw bytes, to pick
 * the same candidates; retransforming one runs it through the pre-filter and Byte Buddy as a class
 * load does. Used once, on memagent-init, after waiting for Byte Buddy.
 */
final class LoadedCandidates {
    /** The servlet APIs' packages, each with its advice; matched by name, the agent never loads them. */
    private static final String[] SERVLET_PACKAGES = {"jakarta.servlet.", "javax.servlet."};

    private final List<MethodPattern> includes;
    private final boolean jdbc;
    private final boolean http;

    LoadedCandidates(List<MethodPattern> includes, boolean jdbc, boolean http) {
        this.includes = includes;
        this.jdbc = jdbc;
        this.http = http;
    }

    /** Retransforms already-loaded candidates (agentmain: the agent arrived after the app's classes). */
    void retransform(Instrumentation inst) {
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
        if (ClassFileScan.ignored(internal)) {
            return false;
        }
        if (IncludeMatchers.matchesClass(includes, c.getName())) {
            return true;
        }
        if (!c.isInterface() && ((jdbc && (java.sql.Statement.class.isAssignableFrom(c) || java.sql.Connection.class.isAssignableFrom(c)))
                || (http && (com.sun.net.httpserver.HttpHandler.class.isAssignableFrom(c) || isServletOrFilter(c)
                        || ClassFileScan.isHttpFrameworkClass(internal))))) {
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
}
