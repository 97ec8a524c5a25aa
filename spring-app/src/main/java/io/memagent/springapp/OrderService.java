package io.memagent.springapp;

import io.memagent.api.ProfileMemory;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Orders in PostgreSQL through JdbcTemplate. {@code @Transactional} on the type: Spring hands out a
 * CGLIB subclass proxy, and the {@code @ProfileMemory} methods run in the target behind it.
 */
@Service
@Transactional
public class OrderService {
    /** Set on a thread's first {@link #measured} call, outside any measured window. */
    private static final ThreadLocal<Boolean> MEASURED_BEFORE = new ThreadLocal<>();
    /**
     * When HotSpot's C2 is first asked to compile a method of a class, the asking thread creates the
     * {@code String}s of every string literal of the class not used yet (a few hundred bytes), at the
     * entry of the method that became hot: inside {@link #measured}'s window around {@link #report}
     * but before the agent's own reads in {@code report}'s body. Asked once here, at class
     * initialization, so no measured call carries them.
     */
    private static final long C2_ASKED = askC2Once();

    private static final String TABLE = "orders";

    private final JdbcTemplate jdbc;
    private final String schema;

    /**
     * {@code app.schema} is also every pooled connection's schema ({@code spring.datasource.hikari.schema}
     * in application.properties), so the SQL names the table alone and the agent names statements
     * {@code DB.SELECT.orders}.
     */
    public OrderService(JdbcTemplate jdbc, @Value("${app.schema}") String schema) {
        if (!schema.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("app.schema must be a plain identifier: " + schema);
        }
        this.jdbc = jdbc;
        this.schema = schema;
    }

    @ProfileMemory
    public void createTable() {
        jdbc.execute("CREATE SCHEMA IF NOT EXISTS " + schema);
        jdbc.execute("CREATE TABLE IF NOT EXISTS " + TABLE
                + " (id text PRIMARY KEY, amount bigint NOT NULL, note text NOT NULL)");
    }

    @ProfileMemory
    public void save(String id, long amount) {
        jdbc.update("INSERT INTO " + TABLE + " (id, amount, note) VALUES (?, ?, ?)"
                + " ON CONFLICT (id) DO UPDATE SET amount = EXCLUDED.amount, note = EXCLUDED.note",
                id, amount, "order " + id + " of " + amount);
    }

    @ProfileMemory
    public Optional<Map<String, Object>> find(String id) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT id, amount, note FROM " + TABLE + " WHERE id = ?", id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    /** Up to n orders as text, plus n-dependent scratch space: every n allocates a different amount. */
    @ProfileMemory
    public String report(int n) {
        List<Map<String, Object>> rows = jdbc.queryForList("SELECT id, amount, note FROM " + TABLE
                + " ORDER BY id LIMIT ?", n);
        StringBuilder out = new StringBuilder();
        long[] scratch = new long[n];
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = rows.get(i);
            scratch[i] = ((Number) row.get("amount")).longValue();
            out.append(row.get("id")).append('=').append(scratch[i]).append(';');
        }
        return out.toString();
    }

    /** n-dependent work without the database: on a virtual thread it never unmounts. */
    @ProfileMemory
    public String summarize(int n) {
        StringBuilder out = new StringBuilder();
        long[] scratch = new long[n];
        for (int i = 0; i < n; i++) {
            scratch[i] = i * 7L;
            out.append(i).append(':').append(scratch[i]).append(';');
        }
        return out.toString();
    }

    /**
     * {@link #summarize} measured by the app itself around the very call, on a virtual thread too:
     * there with its carrier's counter (read by id through the public ThreadMXBean), which counts
     * what the virtual thread allocates while mounted. {@code sameCarrier} says the call stayed on
     * one carrier and {@code stayedMounted} that it never unmounted; {@code appBytes} is the counter
     * difference less the agent's own bytes there.
     */
    public Map<String, Object> measuredSummary(int n) {
        Thread carrier = AppCounter.carrier();
        long mounts0 = AppCounter.carrierMounts();
        long agent0 = AppCounter.agentBytes();
        long raw0 = carrier != null ? AppCounter.bytesOf(carrier) : AppCounter.rawBytes();
        String summary = summarize(n);
        long raw1 = carrier != null ? AppCounter.bytesOf(carrier) : AppCounter.rawBytes();
        long agent1 = AppCounter.agentBytes();
        long mounts1 = AppCounter.carrierMounts();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("n", n);
        out.put("virtual", carrier != null && carrier != Thread.currentThread());
        out.put("sameCarrier", carrier == AppCounter.carrier());
        // The carrier's counter is the thread's own only while it stays mounted: an unmount and a mount again,
        // even on the same carrier, add what the JDK allocates to freeze and thaw its frames.
        out.put("stayedMounted", mounts0 >= 0 && mounts0 == mounts1);
        out.put("appBytes", (raw1 - raw0) - (agent1 - agent0));
        out.put("rawBytes", raw1 - raw0);
        out.put("agentBytes", agent1 - agent0);
        out.put("summaryLength", summary.length());
        return out;
    }

    /**
     * {@link #report} measured by the app itself, around the very call the agent measures: a
     * self-invocation on the target, so neither the proxy nor the transaction is inside the window.
     * {@code appBytes} = counter difference minus the agent's own bytes on this thread.
     */
    private static long askC2Once() {
        long sum = 0;
        for (int i = 0; i < 100_000; i++) {
            sum += hot(i);
        }
        return sum;
    }

    private static int hot(int i) {
        return i & 1;
    }

    public Map<String, Object> measured(int n) {
        boolean first = MEASURED_BEFORE.get() == null;
        MEASURED_BEFORE.set(Boolean.TRUE);
        long agent0 = AppCounter.agentBytes();
        long raw0 = AppCounter.rawBytes();
        String report = report(n);
        long raw1 = AppCounter.rawBytes();
        long agent1 = AppCounter.agentBytes();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("n", n);
        out.put("thread", Thread.currentThread().getName());
        out.put("firstOnThread", first);
        out.put("agent", AppCounter.agentPresent());
        out.put("appBytes", (raw1 - raw0) - (agent1 - agent0));
        out.put("rawBytes", raw1 - raw0);
        out.put("agentBytes", agent1 - agent0);
        out.put("reportLength", report.length());
        return out;
    }
}
