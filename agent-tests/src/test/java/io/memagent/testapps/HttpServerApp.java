package io.memagent.testapps;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.URL;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JDK HTTP server app calling itself: {@code GET /orders/<n>} and {@code GET /health}. The
 * handler measures its whole body with the counter the agent reads (first and last statement),
 * so the test can compare {@code HTTP GET /orders/{id}} with the app's own figure.
 */
public class HttpServerApp {
    static volatile Object sink;
    static final AtomicLong ORDER_BYTES = new AtomicLong();
    static final AtomicLong ORDERS = new AtomicLong();

    static final class OrdersHandler implements HttpHandler {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            long before = Truth.appBytesNow();
            byte[] body = new byte[4000];
            sink = body;
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
            long spent = Truth.appBytesNow() - before;
            ORDER_BYTES.addAndGet(spent);
            ORDERS.incrementAndGet();
        }
    }

    static final class HealthHandler implements HttpHandler {
        @Override
        public void handle(HttpExchange exchange) throws IOException {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        }
    }

    public static void main(String[] args) throws Exception {
        Truth.appBytesNow(); // Truth's class set-up here, not inside the first measured request
        int n = Integer.parseInt(args[0]);
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/orders", new OrdersHandler());
        server.createContext("/health", new HealthHandler());
        server.start();
        int port = server.getAddress().getPort();
        try {
            get(port, "/health"); // the handler thread's first profiled call, outside the measured ones
            long received = 0;
            for (int i = 0; i < n; i++) {
                received += get(port, "/orders/" + (1000 + i) + "?expand=" + (i % 3));
            }
            System.out.println("received=" + received);
        } finally {
            server.stop(0);
        }
        System.out.println("orders=" + ORDERS.get());
        System.out.println("orders.bytes=" + ORDER_BYTES.get());
    }

    private static long get(int port, String path) throws IOException {
        HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + port + path).openConnection();
        long bytes = 0;
        if (c.getResponseCode() == 200) {
            try (InputStream in = c.getInputStream()) {
                bytes = in.readAllBytes().length;
            }
        }
        c.disconnect();
        return bytes;
    }
}
