package io.memagent.sample;

import io.memagent.api.ProfileMemory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Builds and exports the daily report. Annotated on the type: every method it declares is
 * profiled, and {@link #build} nests {@link #row} calls, so its self bytes differ from its total.
 */
@ProfileMemory
final class ReportBuilder {
    String build(CampaignTotals totals) {
        StringBuilder sb = new StringBuilder("campaign,clicks,cost\n");
        for (int i = 0; i < totals.clicks().length; i++) {
            sb.append(row(i, totals.clicks()[i], totals.costMillis()[i]));
        }
        return sb.toString();
    }

    String row(int campaign, long clicks, long costMillis) {
        return String.format("campaign-%d,%d,%d.%03d%n", campaign, clicks, costMillis / 1000, costMillis % 1000);
    }

    /** Pads the report to a fixed 2 MiB export block and gzips it: big buffers, one call at a time. */
    byte[] export(String report) {
        byte[] block = new byte[2 * 1024 * 1024];
        byte[] text = report.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(text, 0, block, 0, Math.min(text.length, block.length));
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 * 1024);
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(block);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return out.toByteArray();
    }
}
