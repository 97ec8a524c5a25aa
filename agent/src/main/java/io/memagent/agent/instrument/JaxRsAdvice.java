package io.memagent.agent.instrument;

import io.memagent.bootstrap.NamedWindows;
import net.bytebuddy.asm.Advice;

/**
 * JAX-RS resources on Jersey, when {@code memagent.attribute.http} is on: inlined into Jersey's
 * {@code ResourceMethodInvoker#apply}, which runs the matched resource method on the request's
 * thread inside the servlet container's request (recorded by {@link ServletAdvice}). It joins the
 * templates Jersey matched, outermost first (the resource class's {@code @Path}, then its
 * sub-resources' and the method's: {@code /orders} + {@code /{id}}), and hands the result to the open
 * request, which is named by it at its end ({@code HTTP GET /orders/{id}}) instead of by its path.
 * The application path (the servlet's mapping, {@code @ApplicationPath}) is not part of the name.
 *
 * <p>Compiled against jersey-server ({@code provided}); the signature holds only {@code Object}.
 */
final class JaxRsAdvice {
    private JaxRsAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static void enter(@Advice.Argument(0) Object context) {
        if (!NamedWindows.routeWanted()) {
            return;
        }
        long agentWork = NamedWindows.agentWorkStarts(); // building the name is the agent's work
        java.util.List<org.glassfish.jersey.uri.UriTemplate> templates =
                ((org.glassfish.jersey.server.internal.process.RequestProcessingContext) context).request()
                        .getUriInfo().getMatchedTemplates();
        StringBuilder route = new StringBuilder();
        for (int i = templates.size() - 1; i >= 0; i--) { // innermost first in Jersey's list
            String t = templates.get(i).getTemplate();
            boolean slashEnds = route.length() > 0 && route.charAt(route.length() - 1) == '/';
            boolean slashStarts = t.startsWith("/");
            if (slashEnds && slashStarts) {
                route.append(t, 1, t.length());
            } else {
                if (!slashEnds && !slashStarts) {
                    route.append('/');
                }
                route.append(t);
            }
        }
        if (route.length() > 1 && route.charAt(route.length() - 1) == '/') {
            route.setLength(route.length() - 1);
        }
        NamedWindows.routeMatched(agentWork, route.length() == 0 ? "/" : route.toString());
    }
}
