package io.memagent.agent.instrument;

import io.memagent.agent.util.AgentLog;
import io.memagent.agent.util.OneShot;
import io.memagent.agent.config.MethodPattern;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * Weaves {@link ProfileAdvice} into methods annotated {@code @ProfileMemory} (matched by
 * name, so any class loader's copy of the API works), methods of annotated types, and methods
 * matched by {@code memagent.include}.
 *
 * <p>Start-up cost is mostly Byte Buddy describing classes, so a cheap filter runs first on the
 * raw class bytes: a class whose constant pool does not mention the annotation, and whose name
 * matches no include pattern, is passed over; one that does is woven with ASM as it loads
 * ({@link AnnotatedClassWeaver}), without Byte Buddy ever seeing it.
 *
 * <p>This class is the start-up sequence and its timing: it installs the pre-filter
 * ({@link PrefilteringTransformer}, with {@link ClassFileScan}), builds the Byte Buddy transformer
 * ({@link ByteBuddyTransformer}) once on its own thread and lets classes wait for it (bounded), and
 * after an attach retransforms the classes already loaded ({@link LoadedCandidates}).
 */
public final class Instrumenter {
    /** How long a class that needs weaving may wait for Byte Buddy to be ready. */
    private static final long READY_TIMEOUT_SECONDS = 30;

    private final List<MethodPattern> includes;
    private final boolean jdbc;
    private final boolean http;
    /** Byte Buddy's transformer once built, or why it will not be (a latch, not a CompletableFuture: see OneShot). */
    private final OneShot<ClassFileTransformer> delegate = new OneShot<>();
    private final java.util.concurrent.atomic.AtomicBoolean building = new java.util.concurrent.atomic.AtomicBoolean();
    private volatile Instrumentation inst;
    private volatile OperationRegistry registry;
    /** The thread loading the filter's classes, started first thing in premain; installFilter waits for it. */
    private final FilterPreload preload;

    /**
     * @param jdbc {@code memagent.attribute.jdbc}; @param http {@code memagent.attribute.http}
     * @param preload the memagent-preload thread, started first thing in premain
     */
    public Instrumenter(List<MethodPattern> includes, boolean jdbc, boolean http, FilterPreload preload) {
        this.includes = includes;
        this.jdbc = jdbc;
        this.http = http;
        this.preload = preload;
    }

    /**
     * Hands the preload thread what it needs to build the class filter and run its code once
     * ({@link PrefilteringTransformer#preload}); call after the boot classes' warm-up.
     */
    public void preloadFilter(OperationRegistry registry) {
        this.registry = registry;
        preload.filterFor(this);
    }

    /** The class filter, built on the preload thread (or by installFilter, if that thread could not). */
    PrefilteringTransformer newFilter() {
        return new PrefilteringTransformer(this, includes, jdbc, http, new AnnotatedClassWeaver(registry, includes));
    }

    /**
     * Installs the cheap pre-filter, on the premain thread, once its classes are loaded (it waits here for the
     * preload). Byte Buddy is built later by {@link #build}; a class that needs weaving before then waits for it
     * (bounded).
     */
    public void installFilter(Instrumentation inst) {
        this.inst = inst;
        PrefilteringTransformer filter = preload.await();
        inst.addTransformer(filter != null ? filter : newFilter(), true);
    }

    /**
     * Starts building Byte Buddy on the memagent-weaver thread, once: at once after a late attach (the classes
     * already loaded are retransformed with it), else when a class first needs it (another agent retransforming
     * one, an old class file, a supertype without a class file, the frameworks' request advice); annotated and
     * included classes and attribution's statements, connections, handlers, servlets and filters never do
     * ({@link AnnotatedClassWeaver}, {@link AttributionWeaver}).
     */
    public void startBuild() {
        if (!building.compareAndSet(false, true)) {
            return;
        }
        Thread weaver = new Thread(() -> {
            try {
                build(inst, registry);
            } catch (Throwable t) {
                AgentLog.error("memagent cannot instrument classes (" + t + "); profiled methods run unmeasured");
            }
        }, "memagent-weaver");
        weaver.setDaemon(true);
        weaver.start();
    }

    /** Builds the Byte Buddy transformer (the costly part of start-up); called on the agent's weaver thread. */
    public void build(Instrumentation inst, OperationRegistry registry) {
        try {
            delegate.complete(ByteBuddyTransformer.make(inst, registry, includes, jdbc, http));
        } catch (Throwable t) {
            delegate.fail(t);
            throw t;
        }
    }

    /** Waits (bounded) until {@link #build} has finished, or failed. */
    public void awaitBuilt() {
        startBuild();
        try {
            delegate.get(READY_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
        } catch (Exception e) {
            // retransformLoaded finds no transformer ready and reports each class it could not weave
        }
    }

    /** The agent will not start after all: classes waiting for Byte Buddy load unchanged, at once. */
    public void abandon(Throwable why) {
        delegate.fail(why);
    }

    /** Retransforms already-loaded candidates (agentmain: the agent arrived after the app's classes). */
    public void retransformLoaded(Instrumentation inst) {
        new LoadedCandidates(includes, jdbc, http).retransform(inst);
    }

    /** Whether Byte Buddy is built, or will not be (failed, abandoned): nothing is left to wait for. */
    boolean byteBuddySettled() {
        return delegate.isDone();
    }

    /** The Byte Buddy transformer: starts building it if no one has, and waits for it (bounded). */
    ClassFileTransformer awaitByteBuddy() throws InterruptedException, ExecutionException, TimeoutException {
        startBuild();
        return delegate.get(READY_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
    }
}
