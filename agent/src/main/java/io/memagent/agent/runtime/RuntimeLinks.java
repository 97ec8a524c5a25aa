package io.memagent.agent.runtime;

import io.memagent.agent.aggregate.Aggregator;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.detect.LeakDetector;
import io.memagent.agent.detect.LeakRow;
import io.memagent.agent.detect.NativeLeaks;
import io.memagent.agent.detect.ResourceLeaks;
import io.memagent.agent.jvm.JvmHistory;
import io.memagent.agent.jvm.JvmSampler;
import io.memagent.agent.jvm.NativeMemory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The callbacks {@link AgentRuntime} hands one part of the runtime to reach another (the detectors to the
 * aggregator's figures, memory pressure to its shedding), as classes of the agent's own rather than method
 * references.
 *
 * <p>Why: the JDK generates a class for every lambda and method reference the first time it runs (for some, such as
 * one that unboxes, a method-handle form too), with its class-file library on JDK 24 and later. The runtime is built
 * beside the app's start; on 2 cores each generated class is CPU taken from the app, and a few dozen of them get
 * the client compiler to compile that library's stack-map generator, whose 7.6 MiB arena then stays in the
 * process's resident memory. A class in the jar costs a plain class load.
 */
final class RuntimeLinks {
    private RuntimeLinks() {
    }

    /** Memory pressure turns the aggregator's shedding on and off. */
    static Consumer<Boolean> shedding(Aggregator aggregator) {
        return new Consumer<Boolean>() {
            @Override
            public void accept(Boolean on) {
                aggregator.shed(on);
            }
        };
    }

    /** The operations' figures so far, for the recommender and the allocation deltas. */
    static Supplier<List<OperationSummary>> summaries(Aggregator aggregator) {
        return new Supplier<List<OperationSummary>>() {
            @Override
            public List<OperationSummary> get() {
                return aggregator.summaries();
            }
        };
    }

    /** A heap spike collects the open interval's figures at once. */
    static Runnable collectNow(Aggregator aggregator) {
        return new Runnable() {
            @Override
            public void run() {
                aggregator.collectNow();
            }
        };
    }

    static LongSupplier oldGenerationUsedBytes(JvmSampler sampler) {
        return new LongSupplier() {
            @Override
            public long getAsLong() {
                return sampler.oldGenerationUsedBytes();
            }
        };
    }

    static Supplier<NativeMemory.Reading> nativeMemory(JvmHistory history) {
        return new Supplier<NativeMemory.Reading>() {
            @Override
            public NativeMemory.Reading get() {
                return history.nativeMemory();
            }
        };
    }

    /** Every leak of the run, old generation first, then threads and classes, then native memory. */
    static Supplier<List<LeakRow>> allLeaks(LeakDetector heap, ResourceLeaks resources, NativeLeaks nativeLeaks) {
        return new Supplier<List<LeakRow>>() {
            @Override
            public List<LeakRow> get() {
                List<LeakRow> all = new ArrayList<>(heap.leaks());
                all.addAll(resources.leaks());
                all.addAll(nativeLeaks.leaks());
                return all;
            }
        };
    }
}
