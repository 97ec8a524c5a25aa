package io.memagent.agent.instrument;

import io.memagent.bootstrap.NamedCalls;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the app's servlets ({@code service(ServletRequest, ServletResponse)}) and filters
 * ({@code doFilter(ServletRequest, ServletResponse, FilterChain)}) when
 * {@code memagent.attribute.http} is on: the request is recorded as {@code HTTP GET /path}, only
 * the outermost such call on a thread counting (the first filter, else the servlet).
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
            if (!NamedCalls.canEnterScoped(NamedCalls.SCOPE_HTTP)
                    || !(request instanceof jakarta.servlet.http.HttpServletRequest)) {
                return 0;
            }
            jakarta.servlet.http.HttpServletRequest http = (jakarta.servlet.http.HttpServletRequest) request;
            return NamedCalls.enterScoped(NamedCalls.httpOperationId(http.getMethod(), http.getRequestURI()),
                    NamedCalls.SCOPE_HTTP);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long entered, @Advice.Thrown Throwable thrown) {
            NamedCalls.exitScoped(entered, NamedCalls.SCOPE_HTTP, thrown != null);
        }
    }

    /** {@code javax.servlet} (Servlet 4 and before: Tomcat 9, Jetty 9/10). */
    static final class Javax {
        private Javax() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static long enter(@Advice.Argument(0) Object request) {
            if (!NamedCalls.canEnterScoped(NamedCalls.SCOPE_HTTP)
                    || !(request instanceof javax.servlet.http.HttpServletRequest)) {
                return 0;
            }
            javax.servlet.http.HttpServletRequest http = (javax.servlet.http.HttpServletRequest) request;
            return NamedCalls.enterScoped(NamedCalls.httpOperationId(http.getMethod(), http.getRequestURI()),
                    NamedCalls.SCOPE_HTTP);
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter long entered, @Advice.Thrown Throwable thrown) {
            NamedCalls.exitScoped(entered, NamedCalls.SCOPE_HTTP, thrown != null);
        }
    }
}
