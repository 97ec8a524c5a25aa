package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/**
 * A first call that loads a class allocating more than the medium spike threshold (a framework's lazy set-up, in
 * small), then warm calls of the same operation: 30 MiB (over the threshold) and 1 MiB. With {@code nested}: calls
 * nested three deep (a request, its handler, its query), a cold and a warm call over the threshold, then
 * {@code ready}, then up until killed.
 * Prints each call's truth, measured by the app's own counter less the agent's own bytes.
 */
public class ColdStartApp {
    static volatile Object sink;

    /** Loaded by the first {@link #handle}: its initializer sets up 30 MiB, as a lazy framework would. */
    static final class LazySetUp {
        static volatile Object cache = new byte[30 << 20];
    }

    @ProfileMemory
    static void handle(int mib) {
        sink = LazySetUp.cache;
        sink = new byte[mib << 20];
    }

    @ProfileMemory(name = "request")
    static void request() {
        sink = new byte[1_000];
        handler();
    }

    @ProfileMemory(name = "handler")
    static void handler() {
        sink = new byte[20_000];
        query();
    }

    @ProfileMemory(name = "query")
    static void query() {
        sink = new byte[300_000];
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("nested")) {
            nested(Integer.parseInt(args[1]));
            return;
        }
        long truth1 = Truth.bytesOf(() -> new byte[1 << 20]);
        long truth30 = Truth.bytesOf(() -> new byte[30 << 20]);
        Truth.sink = null;
        long before = Truth.appBytesNow();
        handle(1); // cold: LazySetUp loads inside it
        long cold = Truth.appBytesNow() - before;
        handle(30); // warm, over the threshold: a spike
        handle(1); // warm
        sink = null;
        Truth.print("truth1", truth1);
        Truth.print("truth30", truth30);
        Truth.print("cold", cold);
    }

    private static void nested(int calls) throws Exception {
        long truthQuery = Truth.bytesOf(() -> new byte[300_000]);
        long truthHandler = Truth.bytesOf(() -> new byte[20_000]);
        long truthRequest = Truth.bytesOf(() -> new byte[1_000]);
        request(); // the first calls: the thread's state, the slots (the agent's own bytes)
        for (int i = 1; i < calls; i++) {
            request();
        }
        long truth30 = Truth.bytesOf(() -> new byte[30 << 20]);
        Truth.sink = null;
        long before = Truth.appBytesNow();
        handle(1); // cold: no spike
        long cold = Truth.appBytesNow() - before;
        handle(30); // warm: a spike, seen through the HTTP API
        sink = null;
        Truth.print("truth.query", truthQuery);
        Truth.print("truth.handler", truthHandler);
        Truth.print("truth.request", truthRequest);
        Truth.print("truth30", truth30);
        Truth.print("cold", cold);
        System.out.println("ready");
        Thread.sleep(Long.MAX_VALUE);
    }
}
