package io.memagent.agent.util;

import java.util.function.LongSupplier;

/**
 * The wall clock in milliseconds, as the components that take a clock (so tests can give them another) get it
 * in production: one class, rather than a {@code System::currentTimeMillis} reference per component, each of
 * which the JDK would generate a class for at the agent's start.
 */
public final class WallClock implements LongSupplier {
    public static final LongSupplier MILLIS = new WallClock();

    private WallClock() {
    }

    @Override
    public long getAsLong() {
        return System.currentTimeMillis();
    }
}
