package io.memagent.otel;

import io.memagent.bootstrap.SpanWindows;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.internal.ExtendedSpanProcessor;

/**
 * Sets {@code memagent.allocated_bytes} on every span: the bytes the span's thread allocated between
 * its start and its end, memagent's own allocations left out; on a span that ended on another
 * thread than it started on (or whose bytes cannot be known exactly, see {@link SpanWindows}),
 * {@code memagent.allocated_bytes.unmeasured=true} instead, never a wrong number.
 *
 * <p>{@code onStart} hands the span's ids to memagent, whose counter read is the last thing it
 * does; {@code onEnding} (the SDK's hook that runs before a span is made read-only, on the thread
 * that ends it) asks memagent first, then sets the attribute, whose cost memagent counts as its
 * own. Registered last (the customizer's order), so the span processors registered before it have
 * done their start work before the window opens. It needs memagent attached as a Java agent
 * ({@link #agentRunning()}): without it, it sets nothing on any span; it never throws into the app.
 *
 * <p>An application that builds its own SDK registers it with {@link #create()}, last:
 * {@code SdkTracerProvider.builder().addSpanProcessor(exporting).addSpanProcessor(AllocatedBytesSpanProcessor.create())}.
 *
 * <p>No string constant outside the static initializer: a JIT compile request makes a class's
 * unresolved string constants on the requesting thread, at the entry of a method that may be
 * inside a span's window.
 */
public final class AllocatedBytesSpanProcessor implements ExtendedSpanProcessor {
    /** The span's allocated bytes, memagent's own left out. */
    public static final AttributeKey<Long> ALLOCATED_BYTES;
    /** Set (true) instead of {@link #ALLOCATED_BYTES} on a span whose bytes cannot be known exactly. */
    public static final AttributeKey<Boolean> UNMEASURED;
    private static final String BOOT_CLASS;
    /** The system property memagent sets, to its version, once its boot classes are defined (at premain or attach). */
    private static final String RUNNING_PROPERTY = "io.memagent.version";
    /** Once memagent's boot classes are found: until then spans are left unmeasured. */
    private static volatile boolean agentFound;
    /** When {@link #agentFound} was last looked up with the property set: at most once a second until found. */
    private static volatile long lastLookNanos;

    static {
        ALLOCATED_BYTES = AttributeKey.longKey("memagent.allocated_bytes");
        UNMEASURED = AttributeKey.booleanKey("memagent.allocated_bytes.unmeasured");
        BOOT_CLASS = "io.memagent.bootstrap.SpanWindows";
    }

    /** Use {@link #create()}. */
    public AllocatedBytesSpanProcessor() {
    }

    /**
     * The processor, for an application's own {@code SdkTracerProviderBuilder.addSpanProcessor}: add it
     * after the processors that export (its window then opens after their start work), and once (the
     * SDK's autoconfiguration adds it by itself when this jar is on the class path). Safe without
     * memagent: spans then get no attribute, and each span start reads one system property to look for memagent.
     */
    public static AllocatedBytesSpanProcessor create() {
        return new AllocatedBytesSpanProcessor();
    }

    /**
     * Whether memagent runs in this JVM: its boot-loader classes are there. Without them this
     * processor has nothing to read, and {@link MemagentCustomizerProvider} does not register it.
     */
    public static boolean agentRunning() {
        try {
            Class.forName(BOOT_CLASS, false, null);
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Whether memagent's boot classes are there by now. The OpenTelemetry agent may build its SDK in
     * its premain, before memagent's premain has defined them, and a failed link of
     * {@link SpanWindows} would stay failed: so they are looked up by name first. Memagent sets the system
     * property {@value #RUNNING_PROPERTY} once they are defined; until then each span's start costs one property
     * read (a map lookup, no allocation) and no class lookup, so the first span to start after memagent is there
     * is measured. (Looking the class up at most once a second instead left spans started in the second after
     * memagent came unmeasured.) A class lookup that fails with the property set is retried at most once a second.
     */
    private static boolean agentFound() {
        if (agentFound) {
            return true;
        }
        if (System.getProperty(RUNNING_PROPERTY) == null) {
            return false;
        }
        long now = System.nanoTime();
        if (now - lastLookNanos < 1_000_000_000L && lastLookNanos != 0) {
            return false;
        }
        lastLookNanos = now;
        agentFound = agentRunning();
        return agentFound;
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        if (!agentFound()) {
            return;
        }
        try {
            SpanContext c = span.getSpanContext();
            SpanWindows.started(c.getTraceId(), c.getSpanId()); // its counter read is the last thing here
        } catch (Throwable t) {
            // never into the app: this span ends unmeasured
        }
    }

    @Override
    public boolean isStartRequired() {
        return true;
    }

    /**
     * Without memagent (not found yet by any span's start) nothing is set: no number and no marker.
     * A span that started before memagent was found and ends after is unmeasured ({@link SpanWindows}
     * never saw its start).
     */
    @Override
    public void onEnding(ReadWriteSpan span) {
        if (!agentFound) {
            return;
        }
        try {
            long bytes = SpanWindows.ending(span.getSpanContext().getSpanId()); // reads the counter first
            if (bytes >= 0) {
                span.setAttribute(ALLOCATED_BYTES, bytes);
            } else {
                span.setAttribute(UNMEASURED, Boolean.TRUE);
            }
            SpanWindows.ended(); // the attribute's bytes are memagent's own
        } catch (Throwable t) {
            // never into the app
        }
    }

    @Override
    public boolean isOnEndingRequired() {
        return true;
    }

    @Override
    public void onEnd(ReadableSpan span) {
    }

    @Override
    public boolean isEndRequired() {
        return false;
    }
}
