package io.memagent.agent.instrument;

import io.memagent.bootstrap.NamedWindows;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the app's servlets ({@code service(ServletRequest, ServletResponse)}) and filters
 * ({@code doFilter(ServletRequest, ServletResponse, FilterChain)}) when
 * {@code memagent.attribute.http} is on: the request is recorded, only the outermost such call on
 * a thread counting (the first filter, else the servlet), and only for the container's
 * {@code REQUEST} dispatch. FORWARD and INCLUDE dispatches run inside it; an ERROR dispatch (the
 * container rendering an error page after the request's own call returned) and an ASYNC dispatch
 * are not requests of their own, and are not counted. The request is named when its call ends:
 * by the route the framework matched (Spring MVC's best-matching pattern, {@code /orders/{id}}),
 * else by its path with identifier segments as {@code {id}}.
 *
 * <p>Compiled against the servlet APIs, which are {@code provided}: never in the agent's jar, never
 * loaded by the agent. The method signatures hold only {@code Object}, so Byte Buddy can describe
 * these classes without the API; the {@code instanceof}/cast/calls in the bodies are resolved only
 * once inlined, by the servlet class's own loader, which has the API. One class per API, each
 * inlined only into classes implementing that API's types.
 */
final class ServletAdvice {
    private ServletAdvice() {
    }

    /** {@code jakarta.servlet} (Servlet 5+: Tomcat 10+, Jetty 11+). */
    static final class Jakarta {
        private Jakarta() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.Argument(0) Object request) {
            // Nested filters/servlets skip the naming work: only the outermost call is recorded.
            if (!NamedWindows.canEnterScoped(NamedWindows.SCOPE_HTTP)
                    || !(request instanceof jakarta.servlet.http.HttpServletRequest)
                    || ((jakarta.servlet.ServletRequest) request).getDispatcherType()
                            != jakarta.servlet.DispatcherType.REQUEST) {
                return 0;
            }
            return NamedWindows.enterHttp();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long entered, @Advice.Argument(0) Object request,
                         @Advice.Thrown Throwable thrown) {
            if (entered == 0) {
                return;
            }
            long agentWork = NamedWindows.agentWorkStarts(); // the getters below may allocate: the agent's
            String method = null;
            String path = null;
            Object route = null;
            try { // whatever the request says, the window below is closed
                jakarta.servlet.http.HttpServletRequest http = (jakarta.servlet.http.HttpServletRequest) request;
                method = http.getMethod();
                path = http.getRequestURI();
                route = http.getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
            } catch (Throwable ignored) {
                // named "(other operations)"
            }
            NamedWindows.exitHttp(entered, agentWork, method, path, route, thrown != null);
        }
    }

    /** {@code javax.servlet} (Servlet 4 and before: Tomcat 9, Jetty 9/10). */
    static final class Javax {
        private Javax() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.Argument(0) Object request) {
            if (!NamedWindows.canEnterScoped(NamedWindows.SCOPE_HTTP)
                    || !(request instanceof javax.servlet.http.HttpServletRequest)
                    || ((javax.servlet.ServletRequest) request).getDispatcherType()
                            != javax.servlet.DispatcherType.REQUEST) {
                return 0;
            }
            return NamedWindows.enterHttp();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long entered, @Advice.Argument(0) Object request,
                         @Advice.Thrown Throwable thrown) {
            if (entered == 0) {
                return;
            }
            long agentWork = NamedWindows.agentWorkStarts(); // the getters below may allocate: the agent's
            String method = null;
            String path = null;
            Object route = null;
            try { // whatever the request says, the window below is closed
                javax.servlet.http.HttpServletRequest http = (javax.servlet.http.HttpServletRequest) request;
                method = http.getMethod();
                path = http.getRequestURI();
                route = http.getAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern");
            } catch (Throwable ignored) {
                // named "(other operations)"
            }
            NamedWindows.exitHttp(entered, agentWork, method, path, route, thrown != null);
        }
    }
}
