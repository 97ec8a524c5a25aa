package io.memagent.agent.instrument;

import io.memagent.bootstrap.ReactiveRequests;
import net.bytebuddy.asm.Advice;
import net.bytebuddy.implementation.bytecode.assign.Assigner;

/**
 * Spring WebFlux requests as operations, when {@code memagent.attribute.http} is on: inlined into
 * Spring's {@code HttpWebHandlerAdapter} (where every WebFlux request enters, whatever the server)
 * and into Reactor Netty's {@code HttpServer.HttpServerHandle} (where the event loop applies the
 * handler and subscribes to it). The bookkeeping is {@link ReactiveRequests} in the boot loader: each
 * request's bytes are the sum of its segments on event-loop and scheduler threads; it is recorded
 * when the server's {@code Mono<Void>} terminates, named {@code HTTP GET /orders/{id}} by the route
 * template Spring matched (annotated controllers and router functions alike), else by its path.
 *
 * <p>Compiled against Reactor and spring-web ({@code provided}: never in the agent's jar). The
 * method signatures hold only {@code Object} and primitives, so Byte Buddy describes these classes
 * without those libraries; the casts and calls in the bodies resolve once inlined, in the app's own
 * loader.
 */
final class WebFluxAdvice {
    private WebFluxAdvice() {
    }

    /** {@code HttpWebHandlerAdapter#handle(ServerHttpRequest, ServerHttpResponse)}: a request starts, and ends with its Mono. */
    static final class Handle {
        private Handle() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static Object enter() {
            Object request = ReactiveRequests.start();
            if (request != null && ReactiveRequests.scheduleHookWanted(reactor.core.scheduler.Schedulers.class)) {
                // Once per Reactor (per class loader that has one), on its first request: tasks scheduled inside a
                // request's segment become segments of it. Reactor's registration takes its hooks' monitor, once;
                // every later request pays one ClassValue lookup.
                long agentWork = ReactiveRequests.agentWorkStarts();
                @SuppressWarnings("unchecked")
                java.util.function.Function<Runnable, Runnable> hook =
                        (java.util.function.Function<Runnable, Runnable>) ReactiveRequests.scheduleHook();
                reactor.core.scheduler.Schedulers.onScheduleHook(ReactiveRequests.HOOK_KEY, hook);
                ReactiveRequests.agentWorkDone(agentWork);
            }
            return request;
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter Object request,
                         @Advice.Return(readOnly = false, typing = Assigner.Typing.DYNAMIC) Object returned,
                         @Advice.Thrown Throwable thrown) {
            if (request == null) {
                return;
            }
            boolean ends = thrown != null || !(returned instanceof reactor.core.publisher.Mono);
            if (!ends) {
                long agentWork = ReactiveRequests.agentWorkStarts(); // the operator is the agent's allocation
                @SuppressWarnings("unchecked")
                java.util.function.Consumer<reactor.core.publisher.SignalType> end =
                        (java.util.function.Consumer<reactor.core.publisher.SignalType>) request;
                returned = ((reactor.core.publisher.Mono<?>) returned).doFinally(end);
                ReactiveRequests.agentWorkDone(agentWork);
            }
            ReactiveRequests.handled(request, ends);
        }
    }

    /** {@code HttpWebHandlerAdapter#createExchange}: what the starting request is named by at its end. */
    static final class Exchange {
        private Exchange() {
        }

        @Advice.OnMethodExit(suppress = Throwable.class)
        static void exit(@Advice.Return Object exchange) {
            if (!ReactiveRequests.starting()) {
                return;
            }
            long agentWork = ReactiveRequests.agentWorkStarts();
            org.springframework.web.server.ServerWebExchange e = (org.springframework.web.server.ServerWebExchange) exchange;
            org.springframework.http.server.reactive.ServerHttpRequest request = e.getRequest();
            // The URI is the request's own field (getPath() would parse it, work the app may never ask for).
            ReactiveRequests.exchange(agentWork, e.getAttributes(), e.getResponse(), request.getMethod().name(),
                    request.getURI().getRawPath());
        }
    }

    /**
     * Reactor Netty's {@code HttpServer.HttpServerHandle#onStateChange}: on a received request it
     * applies the handler and subscribes to its publisher, on the event loop; that is the request's
     * first segment (bound to it once {@link Handle} starts it inside). Other state changes open a
     * segment no request binds, which counts for nothing.
     */
    static final class ServerScope {
        private ServerScope() {
        }

        @Advice.OnMethodEnter(suppress = Throwable.class)
        static int enter() {
            return ReactiveRequests.serverScopeEnter();
        }

        @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
        static void exit(@Advice.Enter int token) {
            ReactiveRequests.serverScopeExit(token);
        }
    }
}
