package io.memagent.agent.http;

import java.util.List;

/** The live heap by class, for {@code GET /api/memory/heap-analysis}. */
public interface ClassHistogram {
    /** One class's live instances and their shallow bytes. */
    record Entry(String className, long instances, long bytes) {
    }

    /** The whole histogram, largest first. */
    List<Entry> take() throws Exception;

    /** The JVM's own, through the DiagnosticCommand MBean ({@code GC.class_histogram}). */
    static ClassHistogram ofThisJvm() {
        return new DiagnosticCommands();
    }
}
