package io.memagent.testapps;

import io.memagent.otel.AllocatedBytesSpanProcessor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * An application with its own OpenTelemetry SDK and no OpenTelemetry agent, memagent-otel a plain
 * library on its class path: the manual spans of {@link OtelSpansApp} (each around a
 * {@code new byte[100_000]}, measured by the app between {@code startSpan()} and {@code end()}),
 * first on a tracer provider the app builds with {@code AllocatedBytesSpanProcessor.create()},
 * then on one the SDK's autoconfiguration builds (which finds memagent's customizer through the
 * jar's services file). Run with or without memagent. The spans go to an in-memory exporter,
 * printed at the end as {@code exported-span 'NAME' : TRACE_ID SPAN_ID KIND ATTRIBUTES}. Prints
 * {@code span=ID app=BYTES} (built by hand), {@code auto-span=ID app=BYTES} (autoconfigured),
 * {@code own=ID app=BYTES agent=BYTES} (a first profiled call inside the span: memagent's slot),
 * {@code handed=ID} (a span ended on another thread), and {@code alone=ID app=BYTES attribute=VALUE} for
 * spans of a third tracer provider whose only span processor is memagent's (not exported: the app reads
 * the attribute off the ended span).
 */
public final class OtelSdkApp {
    /** Every ended span, printed when the app is done. */
    static final Queue EXPORTED = new Queue();

    public static void main(String[] args) throws Throwable {
        int warmUp = Integer.parseInt(args[0]);
        int measured = Integer.parseInt(args[1]);

        // Built by hand: the exporting processor first, memagent's last.
        SdkTracerProvider built = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(EXPORTED))
                .addSpanProcessor(AllocatedBytesSpanProcessor.create())
                .build();
        Tracer tracer = built.get("memagent-it-sdk");
        for (int i = 0; i < warmUp; i++) {
            OtelSpansApp.Window.steady(tracer);
        }
        for (int i = 0; i < measured; i++) {
            long app = OtelSpansApp.Window.steady(tracer);
            System.out.println("span=" + OtelSpansApp.Window.last.getSpanContext().getSpanId() + " app=" + app);
        }
        long[] agent = new long[1];
        OtelSpansApp.Profiled.loaded = true; // the class loaded and initialized outside any span
        for (int op = 0; op < 3; op++) {
            long app = OtelSpansApp.Window.firstCalls(tracer, op, agent);
            System.out.println("own=" + OtelSpansApp.Window.last.getSpanContext().getSpanId() + " app=" + app
                    + " agent=" + agent[0]);
        }
        Span handed = tracer.spanBuilder("handed-over").startSpan();
        Thread other = new Thread(handed::end, "ender");
        other.start();
        other.join();
        System.out.println("handed=" + handed.getSpanContext().getSpanId());
        built.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);

        // memagent's processor alone (the SDK then calls it directly, with no loop over processors): nothing
        // exported, the app reads the attribute off the ended span itself.
        SdkTracerProvider alone = SdkTracerProvider.builder().addSpanProcessor(AllocatedBytesSpanProcessor.create()).build();
        Tracer aloneTracer = alone.get("memagent-it-alone");
        for (int i = 0; i < warmUp; i++) {
            OtelSpansApp.Window.steady(aloneTracer);
        }
        for (int i = 0; i < measured; i++) {
            long app = OtelSpansApp.Window.steady(aloneTracer);
            io.opentelemetry.sdk.trace.ReadableSpan ended = (io.opentelemetry.sdk.trace.ReadableSpan) OtelSpansApp.Window.last;
            System.out.println("alone=" + ended.getSpanContext().getSpanId() + " app=" + app + " attribute="
                    + ended.getAttribute(AllocatedBytesSpanProcessor.ALLOCATED_BYTES));
        }
        alone.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);

        // Through the SDK's autoconfiguration: the app adds its exporting processor; memagent-otel's services
        // file adds memagent's (after it) when memagent is attached, and nothing when it is not.
        Map<String, String> config = Map.of("otel.traces.exporter", "none", "otel.metrics.exporter", "none",
                "otel.logs.exporter", "none", "otel.service.name", "otel-sdk-app");
        io.opentelemetry.sdk.OpenTelemetrySdk auto = AutoConfiguredOpenTelemetrySdk.builder()
                .addPropertiesSupplier(() -> config)
                .disableShutdownHook() // shut down below, once
                .addTracerProviderCustomizer((builder, c) -> builder.addSpanProcessor(SimpleSpanProcessor.create(EXPORTED)))
                .build().getOpenTelemetrySdk();
        Tracer autoTracer = auto.getTracer("memagent-it-autoconfigured");
        for (int i = 0; i < warmUp; i++) {
            OtelSpansApp.Window.steady(autoTracer);
        }
        for (int i = 0; i < measured; i++) {
            long app = OtelSpansApp.Window.steady(autoTracer);
            System.out.println("auto-span=" + OtelSpansApp.Window.last.getSpanContext().getSpanId() + " app=" + app);
        }
        auto.shutdown().join(10, java.util.concurrent.TimeUnit.SECONDS);

        for (SpanData s : EXPORTED.spans) {
            System.out.println("exported-span '" + s.getName() + "' : " + s.getTraceId() + " " + s.getSpanId() + " "
                    + s.getKind() + " " + s.getAttributes());
        }
    }

    /** An in-memory span exporter: keeps what it is given. */
    static final class Queue implements SpanExporter {
        final ConcurrentLinkedQueue<SpanData> spans = new ConcurrentLinkedQueue<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }
}
