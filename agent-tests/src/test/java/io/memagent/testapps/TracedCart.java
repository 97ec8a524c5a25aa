package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import io.memagent.otel.AllocatedBytesSpanProcessor;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.sdk.trace.SdkTracerProvider;

/**
 * Two calls of {@code Cart.build} for the dashboard's trace ids, on the app's own OpenTelemetry SDK
 * with memagent's span processor: 600,000 bytes outside any span (with
 * {@code memagent.calls.min.bytes=500000} a per-call row without ids, under a 1 MiB spike threshold),
 * then 1,100,000 bytes inside a span (a per-call row and a spike, both with the span's ids). Prints
 * {@code traced=TRACE_ID SPAN_ID}. Together 1.7 MB: less than {@code Orders.load}'s 2 MB, which stays
 * the top operation.
 */
public final class TracedCart {
    private TracedCart() {
    }

    @ProfileMemory(name = "Cart.build")
    static byte[] build(int n) {
        return new byte[n];
    }

    static void run() {
        SdkTracerProvider provider = SdkTracerProvider.builder().addSpanProcessor(AllocatedBytesSpanProcessor.create()).build();
        HttpApp.sink = build(600_000); // first: the call that loads nothing is the traced one, never cold
        Span span = provider.get("memagent-it-dashboard").spanBuilder("checkout").startSpan();
        HttpApp.sink = build(1_100_000);
        span.end();
        System.out.println("traced=" + span.getSpanContext().getTraceId() + " " + span.getSpanContext().getSpanId());
        provider.shutdown();
    }
}
