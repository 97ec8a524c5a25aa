package io.memagent.junit;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Locale;

/**
 * With the memagent agent attached: which profiled operations this thread finished inside a
 * window, by self bytes, for a failure message. Read from the agent's per-thread record of
 * finished calls ({@code io.memagent.bootstrap.WindowProbe}, operation names from
 * {@code io.memagent.bootstrap.RuntimeNames}, both found by name; absent without the agent).
 * Everything here runs after the window's last counter read, so none of it is counted.
 */
final class AgentCalls {
    private static final MethodHandle MARK;
    private static final MethodHandle SINCE;
    private static final MethodHandle NAME;
    private static final MethodHandle AGENT_BYTES;

    static {
        MethodHandle mark = null;
        MethodHandle since = null;
        MethodHandle name = null;
        MethodHandle agentBytes = null;
        try {
            Class<?> calls = Class.forName("io.memagent.bootstrap.WindowProbe", false, null);
            Class<?> named = Class.forName("io.memagent.bootstrap.RuntimeNames", false, null);
            MethodHandles.Lookup l = MethodHandles.publicLookup();
            mark = l.findStatic(calls, "markThisThread", MethodType.methodType(long[].class));
            since = l.findStatic(calls, "biggestOperationsSince",
                    MethodType.methodType(long[].class, long[].class, int.class));
            name = l.findStatic(named, "operationName", MethodType.methodType(String.class, int.class));
            agentBytes = l.findStatic(calls, "agentBytesOnThisThread", MethodType.methodType(long.class));
        } catch (Throwable noAgent) {
            mark = null;
            since = null;
            name = null;
            agentBytes = null;
        }
        MARK = mark;
        SINCE = since;
        NAME = name;
        AGENT_BYTES = agentBytes;
        // Link the call sites before any window, and pass the JDK's customization threshold (~127
        // invocations of a handle, which allocates) for the one called inside every window.
        mark();
        for (int i = 0; i < 300; i++) {
            agentBytes();
        }
    }

    private AgentCalls() {
    }

    static boolean attached() {
        return MARK != null;
    }

    /** This thread's running totals per profiled operation; null without the agent. */
    static long[] mark() {
        if (MARK == null) {
            return null;
        }
        try {
            return (long[]) MARK.invokeExact();
        } catch (Throwable t) {
            return null;
        }
    }

    /** What the agent allocated on this thread so far (0 without the agent); allocation-free once linked. */
    static long agentBytes() {
        if (AGENT_BYTES == null) {
            return 0;
        }
        try {
            return (long) AGENT_BYTES.invokeExact();
        } catch (Throwable t) {
            return 0;
        }
    }

    /** Lines like {@code "  Parser.parse: 3 calls, 12,048 bytes (self)"}; empty without the agent. */
    static String describeSince(long[] mark, int limit) {
        if (SINCE == null || mark == null) {
            return "";
        }
        try {
            long[] top = (long[]) SINCE.invokeExact(mark, limit);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i + 2 < top.length; i += 3) {
                String op = (String) NAME.invokeExact((int) top[i]);
                sb.append("\n  ").append(op).append(": ").append(top[i + 1]).append(top[i + 1] == 1 ? " call, " : " calls, ")
                        .append(String.format(Locale.ROOT, "%,d", top[i + 2])).append(" bytes (self)");
            }
            return sb.toString();
        } catch (Throwable t) {
            return "";
        }
    }
}
