package io.memagent.agent.instrument;

import io.memagent.bootstrap.NamedWindows;
import io.memagent.bootstrap.RuntimeNames;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into the app's {@code com.sun.net.httpserver.HttpHandler#handle} implementations when
 * {@code memagent.attribute.http} is on: the request is recorded as {@code HTTP GET /path}
 * (identifier segments as {@code {id}}); only the outermost handler on a thread counts, so a
 * handler that delegates to another is one request.
 */
final class HttpAdvice {
    private HttpAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static long enter(@Advice.Argument(0) com.sun.net.httpserver.HttpExchange exchange) {
        return NamedWindows.enterScoped(
                RuntimeNames.httpOperationId(exchange.getRequestMethod(), exchange.getRequestURI().getPath()),
                NamedWindows.SCOPE_HTTP);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@Advice.Enter long entered, @Advice.Thrown Throwable thrown) {
        NamedWindows.exitScoped(entered, NamedWindows.SCOPE_HTTP, thrown != null);
    }
}
