package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/**
 * Known work for the HTTP API's tests: 20 x {@code Orders.load} (a 100,000-byte array each),
 * 30 x {@code DB.query} (1,000 longs), 5 x {@code Report.render} (10 references), 12 calls of
 * three {@link Overloads} (profiled only with {@code memagent.include}), and 50
 * {@link Retained} objects kept alive for the class histogram; with {@code -Dhttpapp.traced=true}
 * also {@link TracedCart}'s two calls, one inside an OpenTelemetry span. Prints the true size of each
 * allocation, then {@code ready}, then stays up until killed, for {@code args[0]} ms, or (with
 * {@code until-serving}) until the agent's HTTP server runs.
 */
public class HttpApp {
    static volatile Object sink;
    static volatile Retained[] retained;

    /** Kept alive, 50 of them, so /heap-analysis has a class with a known count. */
    static final class Retained {
        long value;
    }

    /** Three overloads of one method: profiled only where a test sets {@code memagent.include} to them. */
    static final class Overloads {
        static Object work() {
            return new byte[10];
        }

        static Object work(int n) {
            return new byte[n];
        }

        static Object work(String s) {
            return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @ProfileMemory(name = "Orders.load")
    static byte[] load() {
        return new byte[100_000];
    }

    @ProfileMemory(name = "DB.query")
    static long[] query() {
        return new long[1000];
    }

    @ProfileMemory(name = "Report.render")
    static Object[] render() {
        return new Object[10];
    }

    public static void main(String[] args) throws InterruptedException {
        Truth.print("truth.load", Truth.bytesOf(() -> new byte[100_000]));
        Truth.print("truth.query", Truth.bytesOf(() -> new long[1000]));
        Truth.print("truth.render", Truth.bytesOf(() -> new Object[10]));
        Truth.print("truth.retained", Truth.bytesOf(Retained::new));
        Truth.sink = null; // the twin's last object would be a 51st
        Retained[] keep = new Retained[50];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = new Retained();
            keep[i].value = i;
        }
        retained = keep;
        for (int i = 0; i < 20; i++) {
            sink = load();
        }
        for (int i = 0; i < 30; i++) {
            sink = query();
        }
        for (int i = 0; i < 5; i++) {
            sink = render();
        }
        for (int i = 0; i < 4; i++) { // 12 calls of Overloads#work, 4 per overload
            sink = Overloads.work();
            sink = Overloads.work(20);
            sink = Overloads.work("thirty");
        }
        if (Boolean.getBoolean("httpapp.traced")) {
            TracedCart.run(); // 2 more calls, one in a span of the app's own OpenTelemetry SDK
        }
        System.out.println("ready");
        if (args.length > 0 && args[0].equals("until-serving")) {
            // Returns from main once the agent's HTTP server runs: the JVM must then exit by itself.
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (Thread.getAllStackTraces().keySet().stream().noneMatch(t -> t.getName().equals("HTTP-Dispatcher"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            System.out.println("serving");
            return;
        }
        Thread.sleep(args.length > 0 ? Long.parseLong(args[0]) : Long.MAX_VALUE);
    }
}
