package io.memagent.agent.instrument;

import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Operation ids, assigned when a method is instrumented and embedded as constants in its
 * advice. Ids are dense, so the agent's per-operation state lives in arrays. An operation is its
 * name (per kind), so no two share one in any report, table or metric: the same method loaded by two
 * class loaders, the overloads of a method matched by a pattern, and methods an annotation names
 * alike are one operation; two classes whose simple names clash get their full names. The number of operations is capped: beyond the cap
 * every new method shares the catch-all operation {@link #OTHER_NAME}, and the agent says so.
 * Names and methods are normalized on registration ({@link io.memagent.agent.util.Names#operation}).
 */
public final class OperationRegistry {
    public static final String OTHER_NAME = "(other operations)";

    private final int maxOperations;
    private final ConcurrentHashMap<String, Integer> byKey = new ConcurrentHashMap<>();
    private volatile Operation[] operations = new Operation[64];
    private int size;
    private volatile boolean capReported;

    /** @param maxOperations {@code memagent.operations.max} */
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
        name = io.memagent.agent.util.Names.operation(name);
        method = io.memagent.agent.util.Names.method(method);
        String key = kind + '\u0000' + name;
        Integer id = byKey.get(key);
        if (id != null && !isDerivedNameOfAnotherClass(id, name, method)) {
            noteOverload(id, method);
            return id;
        }
        synchronized (this) {
            id = byKey.get(key);
            if (id != null && isDerivedNameOfAnotherClass(id, name, method)) {
                // Two classes with one simple name (a.OrderService, b.OrderService): the later one is
                // named in full, so no two operations ever share a name.
                name = qualifiedName(method);
                key = kind + '\u0000' + name;
                id = byKey.get(key);
            }
            if (id != null) {
                noteOverload(id, method);
                return id;
            }
            if (size >= maxOperations) {
                if (!capReported) {
                    capReported = true;
                    io.memagent.agent.util.AgentLog.warn("more than memagent.operations.max = " + maxOperations
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

    /**
     * Whether {@code name}, derived from {@code method} ({@code Class.method}, not set with the
     * annotation's {@code name}), is already the name of another class's method. Overloads of one
     * method in one class, and methods an annotation names alike, are one operation by design.
     */
    private boolean isDerivedNameOfAnotherClass(int id, String name, String method) {
        Operation existing = get(id);
        int hash = method.indexOf('#');
        if (existing == null || hash < 0 || existing.method().indexOf('#') < 0) {
            return false;
        }
        String cls = method.substring(0, hash);
        String existingCls = existing.method().substring(0, existing.method().indexOf('#'));
        if (cls.equals(existingCls)) {
            return false;
        }
        return name.equals(simpleName(cls) + "." + methodName(method));
    }

    /**
     * A second signature of one class's method joined its operation: the operation's {@code method}
     * becomes {@code pkg.Class#name(..)}, all its overloads, rather than naming one of them.
     */
    private void noteOverload(int id, String method) {
        Operation existing = get(id);
        if (existing == null || existing.method().equals(method) || method.indexOf('#') < 0
                || existing.method().endsWith("(..)")) {
            return;
        }
        String cls = method.substring(0, method.indexOf('#'));
        if (existing.method().startsWith(cls + "#" + methodName(method) + "(")) {
            synchronized (this) {
                Operation[] ops = operations;
                ops[id] = new Operation(id, existing.name(), cls + "#" + methodName(method) + "(..)", existing.kind(),
                        existing.spikeMediumBytes());
                operations = ops; // volatile write publishes the change
            }
        }
    }

    private static String qualifiedName(String method) {
        return method.substring(0, method.indexOf('#')).replace('$', '.') + "." + methodName(method);
    }

    private static String simpleName(String className) {
        return className.substring(Math.max(className.lastIndexOf('.'), className.lastIndexOf('$')) + 1);
    }

    private static String methodName(String method) {
        int hash = method.indexOf('#');
        int paren = method.indexOf('(', hash);
        return method.substring(hash + 1, paren < 0 ? method.length() : paren);
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
