package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.testapps.AnomalyApp;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-operation anomalies and heap-level spikes, in a forked JVM. */
class AnomaliesIT extends SchemaPerTest {
    @Test
    void doublingTheBytesPerCallIsOneAnomalyAndAFortyMegabyteJumpIsAHeapSpike() throws Exception {
        AppRun.Result r = AppRun.main(AnomalyApp.class).database(db, schema, "anomaly").jvmArg("-Xmx512m")
                // Heap spikes looked for from 4 s on, past the start (the agent's own: connecting, migrating the schema,
                // 20 MB and more between two samples) and before the burst, about 6.5 s in.
                .prop("memagent.sample.interval.ms", 200).prop("memagent.spike.heap.warmup.ms", 4000).args("3000").run()
                .assertOk();
        List<Map<String, Object>> alerts = db.query("SELECT alert_type, message, context->>'operation' AS op,"
                + " (context->>'baseline_bytes_per_call')::float8 AS base, (context->>'bytes_per_call')::float8 AS now"
                + " FROM " + schema + ".system_alerts WHERE alert_type = 'allocation_anomaly'");
        assertEquals(1, alerts.size(), alerts + "\n" + r);
        Map<String, Object> a = alerts.get(0);
        assertEquals("AnomalyApp.handle", a.get("op"));
        // The baseline is byte[10_000] a call (10,016 bytes), plus, at most, an interval in which the size changed
        // when too few of its calls were of the new size to reach 25%: that interval joined the baseline.
        double base = ((Number) a.get("base")).doubleValue();
        assertTrue(base >= 10_016 && base < 10_016 * 1.25, a.toString());
        double now = ((Number) a.get("now")).doubleValue();
        assertTrue(now > base * 1.25 && now <= 20_016, a.toString());
        assertTrue(((String) a.get("message")).startsWith("AnomalyApp.handle allocated "), a.toString());

        List<Map<String, Object>> heap = db.query("SELECT severity, allocated_bytes, threshold_bytes, stack_trace FROM "
                + schema + ".memory_spikes WHERE operation_type = '(heap)'");
        assertEquals(1, heap.size(), heap.toString());
        assertEquals("medium", heap.get(0).get("severity"));
        assertEquals(25L << 20, ((Number) heap.get(0).get("threshold_bytes")).longValue());
        String top = (String) heap.get(0).get("stack_trace");
        assertTrue(top.contains("\tAnomalyApp.burst: " + ((40L << 20) + 16) + " bytes in 1 calls\n"), top);
    }
}
