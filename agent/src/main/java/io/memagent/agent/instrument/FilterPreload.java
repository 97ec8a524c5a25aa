package io.memagent.agent.instrument;

import io.memagent.agent.util.AgentLog;
import io.memagent.agent.util.Joins;
import java.util.concurrent.CompletableFuture;

/**
 * The memagent-preload thread: loads, links and initializes every class the class filter's code needs before the
 * filter is installed ({@link PrefilteringTransformer#preload} says why), beside premain, which waits for it only
 * at the end ({@link Instrumenter#installFilter}).
 *
 * <p>It starts first thing in premain with ASM's core package, which needs no configuration and is most of the
 * work (the JVM verifies each class it links from the agent jar: about 40 ms of a cold JVM's time for ASM's large
 * reader and writer classes). Once premain has read the configuration and set up the boot classes it hands over
 * the instrumenter ({@link #filterFor}); this thread then builds the filter and runs its code once on the probe
 * class. Nothing of the agent transforms classes before the filter is installed, so this thread's loads never
 * wait on it.
 */
public final class FilterPreload {
    private static final long HANDOVER_TIMEOUT_SECONDS = 60;
    /** The instrumenter whose filter to build and exercise; null: the agent will not start, stop here. */
    private final CompletableFuture<Instrumenter> handedOver = new CompletableFuture<>();
    private final Thread thread;
    /** The class file to exercise the filter on; null: read from the jar. */
    private final byte[] probe;
    /** Written by the preload thread, read after {@link #await} (the join orders the two). */
    private PrefilteringTransformer filter;

    private FilterPreload(byte[] probe) {
        this.probe = probe;
        thread = new Thread(new Runnable() {
            @Override
            public void run() {
                preload();
            }
        }, "memagent-preload");
        thread.setDaemon(true);
    }

    /** Starts the thread; first thing in premain. {@code probe}: the probe's class file, if at hand (else null). */
    public static FilterPreload start(byte[] probe) {
        FilterPreload p = new FilterPreload(probe);
        p.thread.start();
        return p;
    }

    /** Hands over the instrumenter whose filter to build and exercise. */
    void filterFor(Instrumenter instrumenter) {
        handedOver.complete(instrumenter);
    }

    /** The agent will not start: the thread ends once ASM's classes are loaded. */
    public void cancel() {
        handedOver.complete(null);
    }

    /** Waits for the thread; returns the filter it built, or null if it could not (then built on the caller). */
    PrefilteringTransformer await() {
        Joins.uninterruptibly(thread);
        return filter;
    }

    private void preload() {
        try {
            PrefilteringTransformer.preloadAsm();
            Instrumenter instrumenter;
            try {
                // Bounded: should premain fail before handing over, the thread still ends.
                instrumenter = handedOver.get(HANDOVER_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                return;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (instrumenter == null) {
                return;
            }
            PrefilteringTransformer built = instrumenter.newFilter();
            filter = built;
            built.preload(probe);
        } catch (java.io.IOException | RuntimeException | LinkageError e) {
            // Not fatal: the classes then load on first use, as they could before another agent came along.
            AgentLog.warn("could not preload the class filter's classes: " + e);
        }
    }
}
