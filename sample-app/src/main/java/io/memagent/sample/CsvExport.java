package io.memagent.sample;

/**
 * Writes campaign totals as CSV. Not annotated: like a library class you cannot change, it is
 * profiled only when the agent is told to, e.g.
 * {@code -javaagent:memagent.jar=include=io.memagent.sample.Csv*#write*}.
 */
final class CsvExport {
    String writeTotals(CampaignTotals totals) {
        StringBuilder sb = new StringBuilder(totals.clicks().length * 24);
        for (int i = 0; i < totals.clicks().length; i++) {
            sb.append(i).append(',').append(totals.clicks()[i]).append(',').append(totals.costMillis()[i]).append('\n');
        }
        return sb.toString();
    }
}
