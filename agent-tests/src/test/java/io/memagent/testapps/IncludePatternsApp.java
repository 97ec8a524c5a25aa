package io.memagent.testapps;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.memagent.api.ProfileMemory;
import java.lang.management.ManagementFactory;

/**
 * Methods without an annotation, profiled through {@code memagent.include}: a third-party
 * library's method (Jackson's {@code ObjectMapper#readTree}) and the app's own methods matched
 * by wildcards. The app measures every call itself, with the same counter, around the call, and
 * prints what it measured, so the test compares the agent's figures with the app's to the byte.
 */
public class IncludePatternsApp {
    static volatile Object sink;
    /** Matched by {@code io.memagent.testapps.IncludePatternsApp$*Service#process*}. */
    static final class OrderService {
        Object processOrder(int i) {
            return new long[100 + i % 7];
        }

        Object processRefund() {
            return new byte[2000];
        }

        Object handle() { // not matched: the method part is process*
            return new byte[300];
        }
    }

    /**
     * The thread's first profiled call makes the agent's per-thread state before its window opens.
     * The measurements below subtract what the agent allocates on the thread anyway
     * ({@link Truth#appBytesNow}); this call stays as the app's first, as in a real app.
     */
    @ProfileMemory
    static int firstProfiledCallOfTheThread() {
        return 1;
    }

    public static void main(String[] args) throws Exception {
        Truth.appBytesNow(); // Truth's class set-up here, not inside the first measured request
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100;
        firstProfiledCallOfTheThread();
        ObjectMapper mapper = new ObjectMapper();
        long readTreeBytes = 0;
        long readTreeMin = Long.MAX_VALUE;
        long readTreeMax = 0;
        long fields = 0;
        for (int i = 0; i < n; i++) {
            // Documents of different sizes, so the per-call figures differ.
            String json = "{\"id\":" + i + ",\"tags\":[" + "\"x\",".repeat(i % 13) + "\"y\"],\"name\":\"order-" + i + "\"}";
            long before = Truth.appBytesNow();
            JsonNode tree = mapper.readTree(json);
            long spent = Truth.appBytesNow() - before;
            sink = tree;
            readTreeBytes += spent;
            readTreeMin = Math.min(readTreeMin, spent);
            readTreeMax = Math.max(readTreeMax, spent);
            fields += tree.size();
        }
        OrderService orders = new OrderService();
        long processBytes = 0;
        for (int i = 0; i < n; i++) {
            long before = Truth.appBytesNow();
            sink = orders.processOrder(i);
            processBytes += Truth.appBytesNow() - before;
            sink = orders.processRefund();
            sink = orders.handle();
        }
        Truth.print("readTree.bytes", readTreeBytes);
        Truth.print("readTree.min", readTreeMin);
        Truth.print("readTree.max", readTreeMax);
        Truth.print("processOrder.bytes", processBytes);
        Truth.print("truth.twoThousandBytes", Truth.bytesOf(() -> new byte[2000]));
        Truth.print("fields", fields);
    }
}
