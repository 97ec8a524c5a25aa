package io.memagent.testapps;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

/**
 * Starts an embedded Tomcat on loopback with an app's servlets and filter, then calls it:
 * {@code GET /health} ({@code health} times), {@code GET /orders/warmup} once, then {@code n} times
 * each {@code GET /orders/<id>?expand=..} (servlet only) and {@code GET /audited/<id>} (through
 * the filter), then {@code GONE} times {@code GET /orders/gone/<n>} (404, rendered by an error page
 * at {@code /error}: an ERROR dispatch) and {@code GET /routed/<name>} three times (named by the
 * route the servlet sets, as Spring MVC does). Servlets and filter are registered by class name, so this class links only against
 * Tomcat methods that Tomcat 9 (javax.servlet) and 10.1 (jakarta.servlet) both have, and one copy
 * serves both apps.
 */
final class TomcatSelfCalls {
    /** Requests answered 404 by the servlet, each rendered by the container's error page. */
    static final int GONE = 5;

    private TomcatSelfCalls() {
    }

    static void run(String ordersServlet, String healthServlet, String auditFilter, int health, int n) throws Exception {
        Path base = Files.createTempDirectory("memagent-tomcat");
        Path docs = Files.createDirectories(base.resolve("docs"));
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        Context ctx = tomcat.addContext("", docs.toString());
        Tomcat.addServlet(ctx, "orders", ordersServlet);
        ctx.addServletMappingDecoded("/orders/*", "orders");
        ctx.addServletMappingDecoded("/audited/*", "orders");
        ctx.addServletMappingDecoded("/routed/*", "orders");
        ctx.addServletMappingDecoded("/error", "orders");
        org.apache.tomcat.util.descriptor.web.ErrorPage notFound = new org.apache.tomcat.util.descriptor.web.ErrorPage();
        notFound.setErrorCode(404);
        notFound.setLocation("/error");
        ctx.addErrorPage(notFound);
        Tomcat.addServlet(ctx, "health", healthServlet);
        ctx.addServletMappingDecoded("/health", "health");
        FilterDef def = new FilterDef();
        def.setFilterName("audit");
        def.setFilterClass(auditFilter);
        ctx.addFilterDef(def);
        FilterMap map = new FilterMap();
        map.setFilterName("audit");
        map.addURLPattern("/audited/*");
        ctx.addFilterMap(map);
        tomcat.start();
        try {
            int port = tomcat.getConnector().getLocalPort();
            for (int i = 0; i < health; i++) {
                get(port, "/health");
            }
            get(port, "/orders/warmup"); // the servlet's woven code runs once before the measured calls
            long received = 0;
            for (int i = 0; i < n; i++) {
                received += get(port, "/orders/" + (1000 + i) + "?expand=" + (i % 3));
                received += get(port, "/audited/" + (5000 + i));
            }
            for (int i = 0; i < GONE; i++) {
                get(port, "/orders/gone/" + i); // 404: its REQUEST dispatch, then the container's ERROR dispatch
            }
            for (String name : new String[] {"alpha", "beta", "gamma"}) {
                get(port, "/routed/" + name);
            }
            System.out.println("received=" + received);
        } finally {
            tomcat.stop();
            tomcat.destroy();
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long get(int port, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        long bytes = 0;
        int code = c.getResponseCode();
        if (code == 200) {
            try (InputStream in = c.getInputStream()) {
                bytes = in.readAllBytes().length;
            }
        } else if (code != 204 && code != 404) {
            throw new IOException("GET " + path + " answered " + code);
        }
        c.disconnect();
        return bytes;
    }
}
