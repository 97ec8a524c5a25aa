package io.memagent.bootstrap;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where applications' spike listeners wait for the agent. Defined in the boot loader, so the API
 * in any class loader finds it (by name, with {@code Class.forName(name, false, null)}); it holds
 * only JDK types. Each spike arrives as an {@code Object[]}: operation, method, severity,
 * allocated bytes (Long), threshold bytes (Long), thread name, stack text, heap dump path, time
 * in epoch ms (Long). The agent calls them on its own thread.
 */
public final class SpikeListeners {
    private static final CopyOnWriteArrayList<Consumer<Object[]>> LISTENERS = new CopyOnWriteArrayList<>();

    private SpikeListeners() {
    }

    public static void add(Consumer<Object[]> listener) {
        if (listener != null) {
            LISTENERS.add(listener);
        }
    }

    /** A snapshot of the registered listeners. */
    public static List<Consumer<Object[]>> all() {
        return LISTENERS;
    }
}
