package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.it.OpenTelemetrySpansIT.SpanLine;
import io.memagent.testapps.OtelSdkApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * memagent-otel as a plain library of an application with its own OpenTelemetry SDK, no
 * OpenTelemetry agent: {@link OtelSdkApp} registers the processor itself
 * ({@code AllocatedBytesSpanProcessor.create()}) on one tracer provider and lets the SDK's
 * autoconfiguration find it on another; its in-memory exporter prints every span.
 */
class OpenTelemetrySdkIT {
    static final int WARM_UP = 200;
    static final int MEASURED = 20;
    private static final Pattern EXPORTED = Pattern.compile(
            "^exported-span '([^']*)' : ([0-9a-f]{32}) ([0-9a-f]{16}) (\\w+) (.*)$");
    private static final Pattern MEASURED_LINE = Pattern.compile("^(span|auto-span|own)=([0-9a-f]{16}) app=(\\d+)(?: agent=(\\d+))?$");

    static AppRun sdkApp() throws IOException {
        return withSdk(AppRun.main(OtelSdkApp.class).args(String.valueOf(WARM_UP), String.valueOf(MEASURED)));
    }

    /** An app's class path with its own OpenTelemetry SDK (API, context, SDK, autoconfiguration) and memagent-otel.jar. */
    static AppRun withSdk(AppRun run) throws IOException {
        run.classpath(OpenTelemetrySpansIT.OTEL_EXTENSION);
        try (Stream<Path> jars = Files.list(Path.of(AppRun.APP_LIBS, "otel-sdk"))) {
            jars.filter(j -> j.toString().endsWith(".jar")).sorted().forEach(j -> run.classpath(j.toString()));
        }
        return run;
    }

    /** The spans the app's exporter printed, by span id. */
    static Map<String, SpanLine> exported(String stdout) {
        Map<String, SpanLine> out = new LinkedHashMap<>();
        for (String line : stdout.split("\n")) {
            Matcher m = EXPORTED.matcher(line);
            if (m.find()) {
                out.put(m.group(3), new SpanLine(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5)));
            }
        }
        return out;
    }

    @Test
    void withMemagentEverySpanCarriesTheAppsOwnBytesOnABuiltAndAnAutoconfiguredSdk() throws Exception {
        AppRun.Result r = sdkApp().prop("memagent.service.name", "otel-sdk").run().assertOk();
        Map<String, SpanLine> spans = exported(r.stdout());
        assertEquals(2 * (WARM_UP + MEASURED) + 3 + 1, spans.size(), "every span exported: " + r);
        List<String> wrong = new ArrayList<>();
        Map<String, Integer> lines = new TreeMap<>();
        Map<Long, Integer> aboveApp = new TreeMap<>();
        for (String line : r.stdout().split("\n")) {
            Matcher m = MEASURED_LINE.matcher(line);
            if (!m.find()) {
                continue;
            }
            lines.merge(m.group(1), 1, Integer::sum);
            SpanLine span = spans.get(m.group(2));
            long app = Long.parseLong(m.group(3));
            assertTrue(span != null, "the span " + m.group(2) + " was exported: " + r);
            if (m.group(1).equals("own")) {
                assertTrue(Long.parseLong(m.group(4)) > 0, "memagent allocated inside this span (a first call's slot): " + line);
            } else {
                assertEquals(100_016, app, "a new byte[100_000] is 100,016 bytes: " + line);
            }
            Long bytes = span.bytes();
            // The SDK's span processors are walked with an ArrayList iterator (32 bytes) before memagent's
            // onEnding, until the JIT has compiled that loop: the only bytes not the app's.
            if (bytes == null || (bytes != app && bytes != app + OpenTelemetrySpansIT.SDK_ITERATOR) || span.unmeasured()) {
                wrong.add(line + " -> " + span);
            } else {
                aboveApp.merge(bytes - app, 1, Integer::sum);
            }
        }
        System.out.println("OpenTelemetrySdkIT on JDK " + AppRun.javaFeatureVersion()
                + ": span bytes above the app's own (bytes above -> spans): " + aboveApp);
        assertEquals(Map.of("span", MEASURED, "auto-span", MEASURED, "own", 3), lines, r.stdout());
        assertEquals(List.of(), wrong, "spans whose memagent.allocated_bytes is not the app's own (+ the SDK's iterator)");

        String handed = r.stdout().lines().filter(l -> l.startsWith("handed=")).findFirst().orElseThrow().substring(7);
        SpanLine h = spans.get(handed);
        assertTrue(h != null && h.unmeasured() && h.bytes() == null,
                "a span ended on another thread is unmeasured, with no number: " + h);
        // Every other span, warm-up ones included, carries a number: the autoconfigured provider got the processor too.
        assertEquals(List.of(handed), spans.values().stream().filter(s -> s.bytes() == null).map(SpanLine::spanId).toList());
        assertEquals(List.of(), r.agentLines().stream().filter(l -> l.contains("WARN") || l.contains("ERROR")).toList());

        // memagent's processor alone: the SDK calls it without a loop, no iterator, the app's own bytes to the byte.
        List<String> alone = r.stdout().lines().filter(l -> l.startsWith("alone=")).toList();
        assertEquals(MEASURED, alone.size(), r.stdout());
        for (String line : alone) {
            assertTrue(line.matches("alone=[0-9a-f]{16} app=100016 attribute=100016"), line);
        }
    }

    /**
     * The same app without memagent: the processor is there (added by hand, and the autoconfiguration loads
     * memagent-otel's customizer) but nothing is measured: no attribute on any span, not a line on stderr,
     * no exception.
     */
    @Test
    void withoutMemagentTheProcessorSetsNothingAndSaysNothing() throws Exception {
        AppRun.Result r = sdkApp().withoutAgent().run().assertOk();
        Map<String, SpanLine> spans = exported(r.stdout());
        assertEquals(2 * (WARM_UP + MEASURED) + 3 + 1, spans.size(), "every span exported: " + r);
        assertEquals(List.of(), spans.values().stream().filter(s -> s.attributes().contains("memagent.")).toList(),
                "no memagent attribute without memagent");
        assertEquals(2 * MEASURED, r.stdout().lines().filter(l -> l.matches("^(auto-)?span=[0-9a-f]{16} app=100016$")).count(),
                "the app's own counter still reads its arrays: " + r.stdout());
        assertEquals(MEASURED, r.stdout().lines().filter(l -> l.matches("^alone=[0-9a-f]{16} app=100016 attribute=null$")).count(),
                "no attribute on a span of memagent's processor alone: " + r.stdout());
        assertEquals("", r.stderr(), "nothing on stderr: no warning, no exception");
    }
}
