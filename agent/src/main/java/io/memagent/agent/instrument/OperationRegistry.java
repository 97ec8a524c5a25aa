package io.memagent.agent.instrument;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operation ids, assigned when a method is instrumented and embedded as constants in its
 * advice. Ids are dense, so the agent's per-operation state lives in arrays. The same method
 * loaded by two class loaders gets one id. The number of operations is capped: beyond the cap
 * every new method shares the catch-all operation {@link #OTHER_NAME}, and the agent says so.
 * Names and methods are normalized on registration ({@link io.memagent.agent.Names#operation}).
 */
public final class OperationRegistry {
    public static final int DEFAULT_MAX_OPERATIONS = 20_000;
    public static final String OTHER_NAME = "(other operations)";

    private final int maxOperations;
    private final ConcurrentHashMap<String, Integer> byKey = new ConcurrentHashMap<>();
    private volatile Operation[] operations = new Operation[64];
    private int size;
    private volatile boolean capReported;

    public OperationRegistry() {
        this(DEFAULT_MAX_OPERATIONS);
    }

    public OperationRegistry(int maxOperations) {
        this.maxOperations = maxOperations;
        register(OTHER_NAME, OTHER_NAME, "method"); // id 0
    }

    /** The id for this operation, assigning one on first sight. Called from class-loading threads. */
    public int register(String name, String method, String kind) {
        return register(name, method, kind, -1);
    }

    /**
     * As {@link #register(String, String, String)}, with the operation's own medium spike
     * threshold in bytes (-1: the configured ones). The first registration of a name decides.
     */
    public int register(String name, String method, String kind, long spikeMediumBytes) {
        // Normalized once, here, for every sink: distinct names stay distinct (see Names).
        name = io.memagent.agent.Names.operation(name);
        method = io.memagent.agent.Names.method(method);
        String key = kind + '\u0000' + name + '\u0000' + method;
        Integer id = byKey.get(key);
        if (id != null) {
            return id;
        }
        synchronized (this) {
            id = byKey.get(key);
            if (id != null) {
                return id;
            }
            if (size >= maxOperations) {
                if (!capReported) {
                    capReported = true;
                    io.memagent.agent.AgentLog.warn("more than memagent.operations.max = " + maxOperations
                            + " profiled operations: '" + name + "' and any later ones are counted under '" + OTHER_NAME + "'");
                }
                return 0;
            }
            int next = size;
            Operation[] ops = operations;
            if (next == ops.length) {
                ops = Arrays.copyOf(ops, ops.length * 2);
            }
            ops[next] = new Operation(next, name, method, kind, spikeMediumBytes);
            operations = ops; // volatile write publishes the slot
            size = next + 1;
            byKey.put(key, next);
            return next;
        }
    }

    /** The operation with this id, or null if none (yet). */
    public Operation get(int id) {
        Operation[] ops = operations;
        return id >= 0 && id < ops.length ? ops[id] : null;
    }

    /** Ids are below this. */
    public synchronized int size() {
        return size;
    }

    /** Whether the cap was reached (later operations are counted under {@link #OTHER_NAME}). */
    public boolean capReached() {
        return capReported;
    }

    public int maxOperations() {
        return maxOperations;
    }
}
