package io.memagent.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.agent.detect.RiskScore;
import io.memagent.agent.detect.SpikeRow;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class DetectionReportTest {
    private static SpikeRow spike(String operation, long bytes) {
        return new SpikeRow(UUID.randomUUID(), operation, "x.Y#z()V", "medium", bytes, 25L << 20, "main", null, null, 0);
    }

    @Test
    void spikeLinesStayAlignedForLongOperationNames() {
        String longName = "HTTP GET /owners/{ownerId}/pets/{petId}/visits/new";
        String tooLong = "DB.SELECT owners JOIN pets JOIN visits JOIN types JOIN specialties WHERE id = ?";
        String text = DetectionReport.render(new long[] {3, 0, 0},
                List.of(spike("Short.op", 30L << 20), spike(longName, 31L << 20), spike(tooLong, 32L << 20)),
                List.of(), null, new RiskScore.Risk(0, "low", List.of()));
        List<String> lines = text.lines().filter(l -> l.startsWith("    medium ")).toList();
        assertEquals(3, lines.size(), text);
        // The name column is as wide as the longest name shown (60 at most): the bytes start at one column.
        int at = "    medium   ".length() + 60 + 1;
        assertEquals(List.of("  30.0 MiB", "  31.0 MiB", "  32.0 MiB"), lines.stream().map(l -> l.substring(at, at + 10)).toList(),
                text);
        assertEquals("    medium   " + tooLong.substring(0, 57) + "... " + "  32.0 MiB on main at 1970-01-01T00:00:00Z",
                lines.get(2));
    }
}
