package io.memagent.agent.util;

import java.util.concurrent.ThreadFactory;

/**
 * Makes the agent's daemon threads for its executors, under one name ({@code memagent-sampler}, ...). A class, not a
 * lambda: the JDK generates a class for a lambda the first time it runs, and these run on the agent's start, beside
 * the app's.
 */
public final class DaemonThreads implements ThreadFactory {
    private final String name;

    public DaemonThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
