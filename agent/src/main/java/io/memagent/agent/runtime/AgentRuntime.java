package io.memagent.agent.runtime;

import io.memagent.agent.aggregate.Aggregator;
import io.memagent.agent.config.Config;
import io.memagent.agent.config.ConfigException;
import io.memagent.agent.detect.AllocationAnomalies;
import io.memagent.agent.detect.ClassHistogram;
import io.memagent.agent.detect.HeapDumper;
import io.memagent.agent.detect.HeapSpikes;
import io.memagent.agent.detect.LeakDetector;
import io.memagent.agent.detect.LeakRules;
import io.memagent.agent.detect.NativeLeaks;
import io.memagent.agent.detect.OperationDeltas;
import io.memagent.agent.detect.Recommender;
import io.memagent.agent.detect.ResourceLeaks;
import io.memagent.agent.detect.RiskScore;
import io.memagent.agent.detect.SpikeDetector;
import io.memagent.agent.detect.SpikeThresholds;
import io.memagent.agent.detect.StateAlerts;
import io.memagent.agent.http.ApiSources;
import io.memagent.agent.http.HttpApi;
import io.memagent.agent.instrument.FilterPreload;
import io.memagent.agent.instrument.Instrumenter;
import io.memagent.agent.instrument.JdkStringConstants;
import io.memagent.agent.instrument.NamedOperations;
import io.memagent.agent.instrument.OperationRegistry;
import io.memagent.agent.instrument.VirtualThreadMounts;
import io.memagent.agent.jdk.JdkInternals;
import io.memagent.agent.jdk.PlatformBeans;
import io.memagent.agent.jfr.JfrEvents;
import io.memagent.agent.jfr.JfrRows;
import io.memagent.agent.jvm.JvmHistory;
import io.memagent.agent.jvm.JvmSampler;
import io.memagent.agent.jvm.MemoryPressure;
import io.memagent.agent.report.DetectionReport;
import io.memagent.agent.report.JvmReport;
import io.memagent.agent.report.TextReport;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.store.PostgresWriter;
import io.memagent.agent.store.RecentRows;
import io.memagent.agent.store.RowSink;
import io.memagent.agent.store.RunInfo;
import io.memagent.agent.util.AgentLog;
import io.memagent.agent.util.Json;
import io.memagent.agent.util.OneShot;
import io.memagent.agent.util.ProcessId;
import io.memagent.agent.util.Secrets;
import io.memagent.agent.util.WallClock;
import io.memagent.bootstrap.AgentOverhead;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import io.memagent.bootstrap.RuntimeNames;
import io.memagent.bootstrap.ThreadCounterSource;
import java.lang.instrument.Instrumentation;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Wires the agent together after {@code MemAgent} (premain's work) has put the bootstrap classes in place:
 * configuration, the sink (PostgreSQL or in memory), the drain thread, instrumentation, and
 * the shutdown hook that flushes and reports. Nothing here talks to the database: that is the
 * writer thread's job, so a slow or absent database never delays the app's start.
 */
public final class AgentRuntime {
    static final int IN_MEMORY_ROWS_PER_TABLE = 10_000;

    private final Config config;
    private final RunInfo run;
    private final OperationRegistry registry;
    /** The real sink (PostgreSQL or in memory), behind the recent-rows copy the HTTP API reads. */
    private final RecentRows sink;
    private final Aggregator aggregator;
    private final JvmHistory jvmHistory = new JvmHistory();
    private final JvmSampler sampler;
    private final MemoryPressure memoryPressure;
    private volatile HttpApi http;
    private final HeapDumper heapDumper;
    private final SpikeDetector spikes;
    private final ClassHistogram histogram = new ClassHistogram(WallClock.MILLIS);
    private final LeakDetector leaks;
    private final ResourceLeaks resourceLeaks;
    private final NativeLeaks nativeLeaks;
    private final RiskScore risk;
    private final java.util.function.Supplier<java.util.List<io.memagent.agent.detect.LeakRow>> allLeaks;

    private AgentRuntime(Config config, RunInfo run, OperationRegistry registry) {
        this.config = config;
        this.run = run;
        this.registry = registry;
        LeakRules leakRules = Settings.leaks(config);
        SpikeThresholds spikeThresholds = Settings.spikes(config);
        this.sink = new RecentRows(config.jdbcUrl() != null ? new PostgresWriter(Settings.database(config), run)
                : new InMemorySink(IN_MEMORY_ROWS_PER_TABLE), RecentRows.PER_TABLE);
        this.aggregator = new Aggregator(config.statsIntervalMs(), config.callsMinBytes(), registry, sink,
                WallClock.MILLIS);
        // Spikes and leaks reach the sink through JfrRows, which makes memagent.Spike/Leak events of them.
        RowSink detections = sink;
        if (ModuleLayer.boot().findModule("jdk.jfr").isPresent()) { // absent from some jlink'd runtimes
            aggregator.addObserver(new JfrEvents(config.callsMinBytes())); // memagent.Call, only while recording
            detections = new JfrRows(sink);
        }
        this.memoryPressure = new MemoryPressure(RuntimeLinks.shedding(aggregator));
        this.heapDumper = new HeapDumper(config.heapdumpDir(), config.heapdumpIntervalMs(), run.serviceName(),
                WallClock.MILLIS);
        this.spikes = new SpikeDetector(spikeThresholds, config.heapdumpOnCritical(), detections, heapDumper);
        aggregator.addObserver(spikes);
        this.sampler = new JvmSampler(Settings.sampler(config), jvmHistory, sink);
        // In this order on every sample: the state alerts, the recommender, then the detectors.
        sampler.addListener(new StateAlerts(sink, jvmHistory));
        sampler.addListener(new Recommender(sink, RuntimeLinks.summaries(aggregator)));
        this.leaks = new LeakDetector(leakRules, detections, histogram, "old generation (" + String.join(", ",
                sampler.oldGenerationPools()) + ")", RuntimeLinks.oldGenerationUsedBytes(sampler));
        sampler.addListener(leaks);
        this.resourceLeaks = new ResourceLeaks(leakRules, config.leakThreadsGrowth(), config.leakClassesGrowth(),
                detections);
        sampler.addListener(resourceLeaks);
        this.nativeLeaks = new NativeLeaks(leakRules, config.leakNativeWarmupMs(), detections,
                PlatformBeans.runtime().getStartTime(), RuntimeLinks.nativeMemory(jvmHistory));
        sampler.addListener(nativeLeaks);
        this.allLeaks = RuntimeLinks.allLeaks(leaks, resourceLeaks, nativeLeaks);
        this.risk = new RiskScore(jvmHistory, allLeaks, spikes, WallClock.MILLIS);
        OperationDeltas deltas = new OperationDeltas(RuntimeLinks.summaries(aggregator));
        HeapSpikes heapSpikes = new HeapSpikes(spikeThresholds, config.heapSpikeWarmupMs(), spikes, deltas,
                RuntimeLinks.collectNow(aggregator));
        sampler.addListener(heapSpikes);
        sampler.addListener(new AllocationAnomalies(sink, config.anomalyK(), deltas));
    }

    /**
     * premain's (or agentmain's) work once the boot classes are defined. {@code preload}: the memagent-preload
     * thread, loading the class filter's classes since premain began (most of them, ASM's, need no configuration).
     */
    public static void start(String agentArgs, Instrumentation inst, boolean attached, FilterPreload preload) {
        Config loaded;
        try {
            loaded = Config.fromEnvironment(agentArgs);
        } catch (ConfigException e) {
            preload.cancel();
            AgentLog.error(e.getMessage() + ". memagent is disabled; the application runs without it.");
            return;
        }
        if (!loaded.enabled()) {
            preload.cancel();
            AgentLog.info("disabled (memagent.enabled=false)");
            return;
        }
        Config config = RequiredModules.check(loaded);
        // Recording starts here, before premain returns, so no call of the app is missed: the
        // registry, the names and the per-thread figures need nothing else. The rest (the service name, the run's
        // id, the MXBeans, the sink, Byte Buddy, the drain and writer threads) is built on memagent-init, beside
        // the rest of premain, and finds every call made meanwhile in the threads' figures.
        long startedAtMs = System.currentTimeMillis();
        offerThreadCounter(inst);
        OperationRegistry registry = new OperationRegistry(config.operationsMax());
        RuntimeNames.setOperationNames(new NamedOperations(registry, config.httpNamesMax()));
        RecordingThresholds.configure(config.callsMinBytes(), config.spikeMediumBytes());
        // The boot classes' static state, made here on premain's thread before memagent-init starts, so no two
        // threads ever initialize them at once.
        Instrumenter instrumenter = new Instrumenter(config.includes(), config.attributeJdbc(), config.attributeHttp(),
                preload);
        try {
            HotPath.warmUp();
        } catch (Throwable t) {
            preload.cancel();
            throw t;
        }
        // After the warm-up: the filter's code touches boot classes, whose static state premain's thread makes.
        instrumenter.preloadFilter(registry);
        // JDK 21+: virtual threads' calls measured on their carriers; set up when the app makes its first virtual thread
        // or, where that cannot be caught, beside what follows and awaited below. After the hand-over, so the filter's
        // preload, which premain then waits for, runs beside it.
        VirtualThreadMounts.Installing virtualThreadHooks = VirtualThreadMounts.prepare(inst, attached);
        // The start line names the service before the app's own output, and `java -jar memagent.jar attach` reads
        // that this JVM runs memagent, and under which name, as soon as the attach returns.
        ServiceName named = ServiceName.resolve(config.serviceName());
        System.setProperty(AttachCommand.RUNNING_PROPERTY, version());
        System.setProperty(AttachCommand.SERVICE_PROPERTY, named.name());
        // Completed once nothing of premain is left to run; failed if premain failed.
        OneShot<Boolean> premainDone = new OneShot<>();
        RuntimeSlot built = new RuntimeSlot();
        AtomicBoolean exiting = new AtomicBoolean(); // set by the hook: the start then skips what only a running app needs
        Thread init = new Thread(new Runnable() {
            @Override
            public void run() {
                initialize(config, registry, inst, instrumenter, attached, named, premainDone, built, exiting);
            }
        }, "memagent-init");
        init.setDaemon(true);
        init.start();
        try {
            // Before the app runs (VirtualThreadMounts#prepare says why).
            String virtualThreads = virtualThreadHooks.await();
            HotPath.setEnabled(true);
            instrumenter.installFilter(inst);
            // Annotated and included classes are woven without Byte Buddy; a late attach needs it for the classes
            // already loaded, and gets it built at once, on a thread of its own, while memagent-init makes the rest.
            if (attached) {
                instrumenter.startBuild();
            }
            Runtime.getRuntime().addShutdownHook(new Thread(new Runnable() {
                @Override
                public void run() {
                    stop(config, registry, named, startedAtMs, init, built, exiting);
                }
            }, "memagent-shutdown"));
            AgentLog.info("memagent " + version() + " started for service '" + named.name() + "' (from "
                    + named.source() + "): " + (config.jdbcUrl() != null ? "writing to " + Secrets.mask(config.jdbcUrl())
                    + " (schema " + config.dbSchema() + ")" : "in-memory mode, report at exit") + "; heap dumps go to "
                    + config.heapdumpDir());
            if (virtualThreads != null) {
                AgentLog.info("virtual threads: " + virtualThreads);
            }
            premainDone.complete(Boolean.TRUE);
        } catch (Throwable t) {
            HotPath.setEnabled(false);
            premainDone.fail(t);
            throw t;
        }
    }

    /**
     * Gives the hot path the JVM's allocation counter made with plain calls ({@link JdkInternals#threadCounter}),
     * before anything initializes {@link HotPath}; where that cannot be had, the hot path asks
     * {@code ManagementFactory}, which costs more of the start but reads the same counter.
     */
    private static void offerThreadCounter(Instrumentation inst) {
        try {
            ThreadCounterSource.offer(JdkInternals.threadCounter(inst));
        } catch (RuntimeException | LinkageError e) {
            // the platform's bean, then
        }
    }

    /**
     * memagent-init: the JDK's string constants, beside the rest of premain; once premain is done and the app has
     * started (its class loading has gone quiet: {@link RuntimeBuildDelay}), the run and the runtime, then the
     * runtime's threads. A failure here disables recording; the app runs on.
     */
    private static void initialize(Config config, OperationRegistry registry, Instrumentation inst,
                                   Instrumenter instrumenter, boolean attached, ServiceName named,
                                   OneShot<Boolean> premainDone, RuntimeSlot built,
                                   AtomicBoolean exiting) {
        AgentRuntime runtime;
        try {
            // The JDK classes every measured call enters: their literals made here, not by C2 inside a call, as soon
            // as possible. Before the sampler starts, so what making them allocates (method handles spun on this
            // thread) is in the heap's baseline, never part of a heap spike.
            JdkStringConstants.resolveForCounterReads(ThreadCounterSource.counterClass());
            premainDone.get(); // premain never waits for this thread
            if (!RuntimeBuildDelay.awaitAppStart(exiting, AgentOverhead::classes) && config.jdbcUrl() == null) {
                // The JVM is exiting: its report is made without the runtime (EarlyExit), so none is built.
                instrumenter.abandon(new IllegalStateException("the JVM is exiting"));
                return;
            }
            RunInfo run = new RunInfo(RunIds.random(), named.name(), ProcessId.current(),
                    hostName(), System.getProperty("java.vm.vendor", "?") + " " + jvmVersion(), version(),
                    Json.object(config.masked()), System.currentTimeMillis());
            runtime = new AgentRuntime(config, run, registry);
        } catch (Throwable t) {
            try {
                premainDone.get(); // not before premain has enabled recording, or it would enable it again
            } catch (Throwable premainFailed) {
                return; // MemAgent said so
            }
            HotPath.setEnabled(false);
            instrumenter.abandon(t);
            AgentLog.error("memagent could not start and is disabled; the application runs without it: " + t);
            return;
        }
        if (!built.publish(runtime)) {
            // The JVM exited first, and its report is made without the runtime (EarlyExit); classes still loading
            // while it exits do so unwoven, at once, as when the runtime starts during the exit.
            instrumenter.abandon(new IllegalStateException("the JVM is exiting"));
            return;
        }
        runtime.initialize(inst, instrumenter, attached, exiting);
    }

    /**
     * The shutdown hook. A JVM that exits at once still reports every call: in memory mode from the threads' figures
     * if the runtime is not built yet ({@link EarlyExit}); with PostgreSQL, after letting the agent's start finish
     * what the flush needs (not Byte Buddy), bounded, then flushing what the threads recorded meanwhile.
     */
    private static void stop(Config config, OperationRegistry registry, ServiceName named, long startedAtMs, Thread init,
                             RuntimeSlot built, AtomicBoolean exiting) {
        exiting.set(true);
        RuntimeBuildDelay.wake(init);
        // In memory mode a JVM that exits before the runtime is built gets its report without it; with PostgreSQL
        // the runtime is waited for, as the run's rows are written by it.
        if (config.jdbcUrl() == null && built.giveUpIfNotBuilt()) {
            EarlyExit.report(config, registry, reportHeader(named.name(), ProcessId.current(), startedAtMs));
            return;
        }
        long deadlineMs = System.currentTimeMillis() + config.shutdownTimeoutMs();
        try {
            init.join(config.shutdownTimeoutMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        AgentRuntime runtime = built.get();
        if (runtime != null) {
            runtime.shutdown(deadlineMs);
        } else if (init.isAlive()) {
            AgentLog.error("memagent did not finish starting within memagent.shutdown.timeout.ms = "
                    + config.shutdownTimeoutMs() + " ms of the JVM's exit: the calls it counted are not reported");
        }
    }

    /**
     * Starts the drain, writer, sampler and HTTP threads and builds Byte Buddy. When the JVM is
     * already exiting, only what the exit report and the final flush need is started.
     */
    private void initialize(Instrumentation inst, Instrumenter instrumenter, boolean attached, AtomicBoolean exiting) {
        try {
            if (!HotPath.allocationCountingSupported()) {
                AgentLog.warn("this JVM does not count allocated bytes per thread: calls are counted as unmeasured,"
                        + " never as 0 bytes");
            }
            if (sink.delegate() instanceof PostgresWriter w) {
                w.start();
            }
            aggregator.start();
            if (exiting.get()) {
                instrumenter.abandon(new IllegalStateException("the JVM is exiting"));
                return;
            }
            sampler.start();
            memoryPressure.install();
            if (config.histogramIntervalMs() > 0) {
                histogram.startPeriodic(config.histogramIntervalMs());
            }
            if (config.httpPort() >= 0) {
                startHttp();
            }
            if (attached) {
                instrumenter.awaitBuilt();
                instrumenter.retransformLoaded(inst);
            }
        } catch (Throwable t) {
            HotPath.setEnabled(false);
            AgentLog.error("memagent could not start and is disabled; the application runs without it: " + t);
        }
    }

    /** A failure here (the port taken, a JDK HTTP server that cannot start) loses the API, not the agent. */
    private void startHttp() {
        try {
            http = HttpApi.start(new ApiSources(Settings.http(config), run, aggregator::summaries, jvmHistory, sink,
                    () -> heapDumper.dump("snapshot"), histogram, risk, aggregator.history(),
                    VirtualThreadMounts::mode));
        } catch (Throwable t) {
            AgentLog.error("the HTTP API could not start (" + t + "); the application and the rest of the agent run"
                    + " on without it");
        }
    }

    /** The exit report's header line: the service, the pid and how long the agent ran. */
    static String reportHeader(String service, long pid, long startedAtMs) {
        return "service " + service + ", pid " + pid + ", " + (System.currentTimeMillis() - startedAtMs) / 100 / 10.0
                + " s";
    }

    /** Operations printed at exit in PostgreSQL mode ({@code memagent.exit.summary}). */
    private static final int EXIT_SUMMARY_TOP = 10;

    /** Stops the agent's threads, collects and flushes; everything within one deadline (the shutdown timeout). */
    private void shutdown(long deadlineMs) {
        try {
            HttpApi serving = http;
            if (serving != null) {
                serving.stopping(); // probes see the agent going before it stops answering
            }
            HotPath.setEnabled(false);
            sampler.stop();
            histogram.stop();
            leaks.flush(System.currentTimeMillis());
            resourceLeaks.flush(System.currentTimeMillis());
            nativeLeaks.flush(System.currentTimeMillis());
            aggregator.stop();
            spikes.stop(Math.min(2_000, Math.max(0, deadlineMs - System.currentTimeMillis())));
            sink.close(Math.max(0, deadlineMs - System.currentTimeMillis()));
            String header = reportHeader(run.serviceName(), run.processId(), run.startedAtMs());
            HttpApi api = http;
            if (api != null) {
                api.stop();
            }
            if (sink.delegate() instanceof InMemorySink) {
                System.err.print(TextReport.render(header, aggregator.summaries(), sink.stats(),
                        aggregator.detailsLost()) + JvmReport.render(jvmHistory, sampler.oldGenerationPools())
                        + DetectionReport.render(spikes.countsBySeverity(), spikes.recent(), leaks(), histogram.latestDiff(),
                        risk.current()) + (memoryPressure.episodes() > 0 ? pressureNote() + ".\n" : ""));
                System.err.flush();
            } else {
                AgentLog.info("stopped: " + sink.stats().rowsOffered() + " rows made, " + sink.stats().rowsWritten()
                        + " written to PostgreSQL, " + sink.stats().droppedTotal() + " dropped "
                        + sink.stats().dropsByReason() + (memoryPressure.episodes() > 0 ? "; " + pressureNote() : "")
                        + io.memagent.agent.util.Text.format("; agent overhead on app threads: %,d bytes, %.1f ms"
                                + " (in no operation's figures)", AgentOverhead.bytes(),
                                AgentOverhead.nanos() / 1e6));
                java.util.List<io.memagent.agent.aggregate.OperationSummary> top = aggregator.summaries();
                if (config.exitSummary() && !top.isEmpty()) {
                    // The answer without a query: the run's top operations, one agent line each.
                    for (String line : TextReport.operationTable(top, EXIT_SUMMARY_TOP).split("\n")) {
                        AgentLog.info(line);
                    }
                }
            }
        } catch (Throwable t) {
            AgentLog.error("error while stopping: " + t);
        }
    }

    private String pressureNote() {
        return "memory pressure made the agent shed its own work " + memoryPressure.episodes() + " time(s)";
    }

    /** Every leak of this run, old generation first, latest version of each. */
    private java.util.List<io.memagent.agent.detect.LeakRow> leaks() {
        return allLeaks.get();
    }

    /** Without DNS: a reverse lookup could stall the app's start for seconds. */
    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env.trim();
        }
        // A plain stream: java.nio.file would load some 40 classes more at start.
        try (java.io.FileInputStream in = new java.io.FileInputStream("/proc/sys/kernel/hostname")) {
            return new String(in.readNBytes(256), java.nio.charset.StandardCharsets.UTF_8).trim();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /**
     * {@code Runtime.version()} as text: the JVM's own property of it, which says the same; the version's
     * {@code toString()} joins its numbers with a stream, the first the agent would run.
     */
    static String jvmVersion() {
        String v = System.getProperty("java.runtime.version");
        return v != null && !v.isBlank() ? v : Runtime.version().toString();
    }

    static String version() {
        String v = AgentRuntime.class.getPackage().getImplementationVersion();
        return v != null ? v : "dev";
    }
}
