package io.memagent.api;

import java.lang.reflect.Method;
import java.util.function.Consumer;

/**
 * Hands a {@link SpikeListener} to the agent without putting any API type into the boot
 * loader: the agent's boot-loader class {@code io.memagent.bootstrap.SpikeListeners} takes a
 * JDK-typed {@code Consumer<Object[]>}, and this side turns each array back into a
 * {@link MemorySpike} in the app's own class loader. Without the agent the class is not there
 * and registering does nothing.
 */
final class SpikeBridge {
    static final String AGENT_CLASS = "io.memagent.bootstrap.SpikeListeners";

    private SpikeBridge() {
    }

    static boolean register(final SpikeListener listener) {
        Method add;
        try {
            add = Class.forName(AGENT_CLASS, false, null).getMethod("add", Consumer.class);
        } catch (ClassNotFoundException | NoSuchMethodException | LinkageError | SecurityException e) {
            return false; // no agent attached
        }
        Consumer<Object[]> consumer = new Consumer<Object[]>() {
            @Override
            public void accept(Object[] f) {
                listener.onSpike(new MemorySpike((String) f[0], (String) f[1], (String) f[2], (Long) f[3], (Long) f[4],
                        (String) f[5], (String) f[6], (String) f[7], (Long) f[8]));
            }

            @Override
            public String toString() {
                return listener.toString();
            }
        };
        try {
            add.invoke(null, consumer);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return false;
        }
    }
}
