package io.memagent.agent.instrument;

import io.memagent.agent.util.AgentLog;
import io.memagent.agent.util.Joins;

/**
 * The memagent-preload thread: loads, links and initializes every class the class filter's code needs before the
 * filter is installed ({@link PrefilteringTransformer#preload} says why), beside premain, which waits for it only
 * at the end ({@link Instrumenter#installFilter}).
 *
 * <p>It starts first thing in premain, before the boot classes are defined, with ASM's core package, which needs
 * no configuration and is most of the work (the JVM verifies each class it links from the agent jar: ASM's large
 * reader and writer classes are tens of milliseconds of a cold JVM's CPU, the longest piece of premain). Once
 * premain has read the configuration and set up the boot classes it hands over the instrumenter ({@link #filterFor});
 * this thread then builds the filter and runs its code once on the probe class. Nothing of the agent transforms
 * classes before the filter is installed, so this thread's loads never wait on it.
 *
 * <p>Hand-over: premain writes {@link #probe} and {@link #instrumenter} (each at most once), then counts the latch
 * down; this thread reads them only after the latch's await returns, which orders the writes before the reads.
 * Built from a latch and plain threads, not a {@code CompletableFuture}: its first use initializes the JDK's common
 * pool, on premain's thread.
 */
public final class FilterPreload {
    private static final long HANDOVER_TIMEOUT_SECONDS = 60;
    private final java.util.concurrent.CountDownLatch handedOver = new java.util.concurrent.CountDownLatch(1);
    /** The instrumenter whose filter to build and exercise; null after the latch: the agent will not start. */
    private Instrumenter instrumenter;
    /** The class file to exercise the filter on; null: read from the jar. */
    private byte[] probe;
    private final Thread thread;
    /** Written by the preload thread, read after {@link #await} (the join orders the two). */
    private PrefilteringTransformer filter;

    private FilterPreload() {
        thread = new Thread(new Runnable() {
            @Override
            public void run() {
                preload();
            }
        }, "memagent-preload");
        thread.setDaemon(true);
    }

    /** Starts the thread; first thing in premain. */
    public static FilterPreload start() {
        FilterPreload p = new FilterPreload();
        p.thread.start();
        return p;
    }

    /** The probe's class file, if premain has it at hand from the jar; before {@link #filterFor}. */
    public void probe(byte[] classFile) {
        probe = classFile;
    }

    /** Hands over the instrumenter whose filter to build and exercise. */
    void filterFor(Instrumenter instrumenter) {
        this.instrumenter = instrumenter;
        handedOver.countDown();
    }

    /** The agent will not start: the thread ends once ASM's classes are loaded. */
    public void cancel() {
        handedOver.countDown();
    }

    /** Waits for the thread; returns the filter it built, or null if it could not (then built on the caller). */
    PrefilteringTransformer await() {
        Joins.uninterruptibly(thread);
        return filter;
    }

    private void preload() {
        try {
            AsmClasses.load(); // before premain has defined the boot classes: see AsmClasses
            try {
                // Bounded: should premain fail before handing over, the thread still ends.
                if (!handedOver.await(HANDOVER_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Instrumenter handed = instrumenter;
            if (handed == null) {
                return;
            }
            PrefilteringTransformer built = handed.newFilter();
            filter = built;
            built.preload(probe);
        } catch (java.io.IOException | RuntimeException | LinkageError e) {
            // Not fatal: the classes then load on first use, as they could before another agent came along.
            AgentLog.warn("could not preload the class filter's classes: " + e);
        }
    }
}
