package io.memagent.testapps;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A Tomcat 10.1 (jakarta.servlet) app calling itself (see {@link TomcatSelfCalls}). The outermost servlet-API
 * call of each request measures its whole body with the counter the agent reads (first and last
 * statement): {@link OrdersServlet#service} for {@code /orders/<id>}, {@link AuditFilter#doFilter}
 * (around the same servlet) for {@code /audited/<id>}. {@link HealthServlet} is an
 * {@code HttpServlet} whose {@code service} calls the superclass's: two woven calls per request.
 */
public class TomcatJakartaApp {
    static volatile Object sink;
    static final AtomicLong ORDER_BYTES = new AtomicLong();
    static final AtomicLong ORDERS = new AtomicLong();
    static final AtomicLong AUDITED_BYTES = new AtomicLong();
    static final AtomicLong AUDITED = new AtomicLong();
    static final AtomicLong HEALTH = new AtomicLong();

    /** A servlet implementing the interface directly: its {@code service} is the whole request. */
    public static final class OrdersServlet implements jakarta.servlet.Servlet {
        private ServletConfig config;

        @Override
        public void init(ServletConfig config) {
            this.config = config;
        }

        @Override
        public ServletConfig getServletConfig() {
            return config;
        }

        @Override
        public void service(ServletRequest req, ServletResponse res) throws IOException {
            long before = Truth.appBytesNow(); // first: the whole body is what the agent's window holds
            String path = ((HttpServletRequest) req).getRequestURI();
            if (path.startsWith("/orders/gone/")) {
                // As a framework does for a 404 it decides: the container then renders its error
                // page in an ERROR dispatch (to /error, this servlet again), after this call returned.
                ((HttpServletResponse) res).sendError(404);
                return;
            }
            if (path.startsWith("/routed/")) {
                // As Spring MVC does once it matched a handler: the route template, for the request's name.
                req.setAttribute("org.springframework.web.servlet.HandlerMapping.bestMatchingPattern", "/routed/{name}");
            }
            byte[] body = new byte[4000];
            sink = body;
            res.setContentLength(body.length);
            res.getOutputStream().write(body);
            long spent = Truth.appBytesNow() - before;
            if (path.startsWith("/orders/") && !path.endsWith("/warmup")) {
                ORDER_BYTES.addAndGet(spent);
                ORDERS.incrementAndGet();
            }
        }

        @Override
        public String getServletInfo() {
            return "orders";
        }

        @Override
        public void destroy() {
        }
    }

    /** On {@code /audited/*}: allocates its own 1,000-byte array, then passes the request on. */
    public static final class AuditFilter implements Filter {
        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            long before = Truth.appBytesNow();
            sink = new byte[1000];
            chain.doFilter(req, res);
            long spent = Truth.appBytesNow() - before;
            AUDITED_BYTES.addAndGet(spent);
            AUDITED.incrementAndGet();
        }
    }

    public static final class HealthServlet extends HttpServlet {
        @Override
        public void service(ServletRequest req, ServletResponse res) throws ServletException, IOException {
            super.service(req, res);
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse res) {
            res.setStatus(204);
            HEALTH.incrementAndGet();
        }
    }

    public static void main(String[] args) throws Exception {
        Truth.appBytesNow(); // Truth's class set-up here, not inside the first measured request
        TomcatSelfCalls.run(OrdersServlet.class.getName(), HealthServlet.class.getName(),
                AuditFilter.class.getName(), Integer.parseInt(args[0]), Integer.parseInt(args[1]));
        System.out.println("orders=" + ORDERS.get());
        System.out.println("orders.bytes=" + ORDER_BYTES.get());
        System.out.println("audited=" + AUDITED.get());
        System.out.println("audited.bytes=" + AUDITED_BYTES.get());
        System.out.println("health=" + HEALTH.get());
    }
}
