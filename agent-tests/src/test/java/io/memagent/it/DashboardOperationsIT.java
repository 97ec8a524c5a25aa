package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.memagent.testapps.ClinicApp;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The dashboard as a real app's user sees it, in headless Chromium driven through the DevTools
 * protocol, so the rendered layout is measured, not only the DOM: {@link ClinicApp}'s 60 operations
 * (16 HTTP routes, controllers, repositories, statements, templates), every one a row with the API's
 * figures, names that wrap only between words, a list as tall as the window, sorting and filtering
 * by click and keyboard; then the same app with 1,000 operations.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardOperationsIT {
    static final int OPERATIONS = 60;
    /** The operations box: the window's height less this (its heading bar above it), never under 600 px. */
    static final int BOX_OFFSET = 96;
    static final int BOX_MIN = 600;
    static final String LOADED = "document.body.dataset.loaded === 'true'";
    /** Each row's cells as [text, title]. */
    static final String ROWS = "[...document.querySelectorAll('#ops tbody tr')]"
            + ".map(tr => [...tr.cells].map(td => [td.textContent, td.title]))";
    static final String COUNT = "document.getElementById('ops-count').textContent";
    /**
     * Per name cell: its title, how many lines it takes, and how many times two letters or digits
     * in a row sit on different lines (a word broken).
     */
    static final String WORDS = """
            [...document.querySelectorAll('#ops tbody td:first-child')].map(td => {
              const chars = [], walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
              for (let n; (n = walker.nextNode());) for (let i = 0; i < n.data.length; i++) {
                const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
                const rect = r.getClientRects()[0];
                if (rect) chars.push([n.data[i], Math.round(rect.top)]);
              }
              let broken = 0;
              for (let i = 1; i < chars.length; i++)
                if (/^[A-Za-z0-9]{2}$/.test(chars[i - 1][0] + chars[i][0]) && chars[i][1] !== chars[i - 1][1]) broken++;
              return [td.title, new Set(chars.map(c => c[1])).size, broken];
            })""";
    /** The operations section scrolled to the top of the window, and what the box then shows. */
    static final String BOX = """
            (() => {
              const box = document.getElementById('ops-box'), section = box.closest('section');
              const main = document.querySelector('main');
              section.scrollIntoView();
              const r = box.getBoundingClientRect(), head = box.querySelector('thead').getBoundingClientRect();
              const visible = [...box.querySelectorAll('tbody tr')].filter(tr => {
                const q = tr.getBoundingClientRect();
                return q.top >= head.bottom - 0.5 && q.bottom <= r.bottom + 0.5;
              }).length;
              const cs = getComputedStyle(main), pad = parseFloat(cs.paddingLeft) + parseFloat(cs.paddingRight);
              return { height: r.height, visible, sectionBottom: section.getBoundingClientRect().bottom, innerHeight,
                scrolls: box.scrollHeight > box.clientHeight, overflowX: box.scrollWidth - box.clientWidth,
                sectionWidth: section.getBoundingClientRect().width, mainWidth: main.clientWidth - pad };
            })()""";

    LiveApp app;
    LiveApp big;
    HttpClientForTests http;
    long calls;
    /** One browser for every test; each sets its window's size and opens the page afresh. */
    HeadlessChromium browser;

    @BeforeAll
    void start() throws Exception {
        app = new LiveApp(clinic(0));
        big = new LiveApp(clinic(1000 - OPERATIONS)); // starts beside the first: one wait for both
        browser = HeadlessChromium.start(1280, 900);
        calls = Long.parseLong(app.awaitLine("ready calls=").substring("ready calls=".length()));
        http = HttpClientForTests.of(app);
        HttpApiIT.awaitCalls(http, calls);
        // Samples, so the heap chart has lines (and a legend) to draw.
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (http.json("/api/memory/history").get("samples").size() < 2) {
            assertTrue(System.nanoTime() < deadline, "the sampler never took 2 samples");
            Thread.sleep(50);
        }
    }

    @AfterAll
    void stop() throws Exception {
        try (LiveApp a = app; LiveApp b = big; HeadlessChromium c = browser) {
            assertEquals(List.of(), c == null ? List.of() : c.console(), "the page wrote to the console");
        }
    }

    /** The clinic, and {@code more} block operations after its requests. */
    private static AppRun clinic(int more) {
        return AppRun.main(ClinicApp.class).prop("memagent.http.port", 0).prop("memagent.attribute.http", true)
                .prop("memagent.service.name", "clinic").prop("memagent.sample.interval.ms", 200)
                // The heap's max far above what is used: noted, not drawn.
                .jvmArg("-Xms64m").jvmArg("-Xmx4g").args(String.valueOf(more));
    }

    /** As the page writes a byte count: B below 1 KiB, else one decimal, rounded half up. */
    static String bytes(JsonNode n) {
        if (n.isNull()) {
            return "-";
        }
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        BigDecimal v = BigDecimal.valueOf(n.asLong());
        int u = 0;
        while (v.abs().compareTo(BigDecimal.valueOf(1024)) >= 0 && u < units.length - 1) {
            v = v.divide(BigDecimal.valueOf(1024)); // exact: a power of two
            u++;
        }
        return u == 0 ? n.asLong() + " B" : v.setScale(1, RoundingMode.HALF_UP).toPlainString() + " " + units[u];
    }

    static String exact(JsonNode n) {
        return n.isNull() ? "" : String.format(Locale.US, "%,d B", n.asLong());
    }

    /** The API's operations ordered as the page orders them: by {@code key}, ties by name. */
    static List<String> ordered(JsonNode ops, String key, boolean desc) {
        List<JsonNode> list = new ArrayList<>();
        ops.forEach(list::add);
        Comparator<JsonNode> by = Comparator.comparingLong(o -> o.get(key).isNull() ? -1 : o.get(key).asLong());
        list.sort((desc ? by.reversed() : by).thenComparing(o -> o.get("operation").asText()));
        return list.stream().map(o -> o.get("operation").asText()).toList();
    }

    static List<String> names(JsonNode rows) {
        List<String> names = new ArrayList<>();
        rows.forEach(r -> names.add(r.at("/0/1").asText()));
        return names;
    }

    static List<String> texts(JsonNode node) {
        List<String> out = new ArrayList<>();
        node.forEach(n -> out.add(n.asText()));
        return out;
    }

    @Test
    void everyOperationIsARowWithTheApisFiguresInTheOrderOfItsSelfBytes() throws Exception {
        JsonNode ops = http.json("/api/memory/top-consumers?limit=10000&sort=self_bytes").get("operations");
        assertEquals(OPERATIONS, ops.size(), ops.toString());
        // The app's own counts: 82 requests over 16 routes, its render and statement counts, 2 errors.
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("HTTP GET /owners/{id}", 10L);
        expected.put("HTTP GET /owners", 10L);
        expected.put("HTTP GET /owners/{id}/pets/{id}/visits/new", 8L);
        expected.put("HTTP GET /vets", 7L);
        expected.put("HTTP GET /", 6L);
        expected.put("HTTP POST /owners/{id}/pets/{id}/visits/new", 6L);
        expected.put("HTTP GET /owners/find", 5L);
        expected.put("HTTP GET /owners/{id}/edit", 5L);
        expected.put("HTTP GET /owners/{id}/pets/new", 4L);
        expected.put("HTTP POST /owners/{id}/edit", 4L);
        expected.put("HTTP GET /owners/{id}/pets/{id}/edit", 4L);
        expected.put("HTTP GET /owners/new", 3L);
        expected.put("HTTP POST /owners/{id}/pets/new", 3L);
        expected.put("HTTP POST /owners/{id}/pets/{id}/edit", 3L);
        expected.put("HTTP POST /owners/new", 2L);
        expected.put("HTTP GET /oups", 2L);
        expected.put("Thymeleaf.render fragments/layout", 64L);
        expected.put("DB.SELECT.owners", 57L);
        expected.put("OwnerRepository.findById", 47L);
        expected.put("CrashController.triggerException", 2L);

        browser.viewport(1280, 900);
        browser.open(http.base + "/#sort=self_bytes", LOADED);
        JsonNode rows = browser.evaluate(ROWS);
        assertEquals(OPERATIONS, rows.size(), rows.toString());
        assertEquals("60 operations", browser.evaluate(COUNT).asText());
        // Largest self bytes first, as the API sorts them; equal figures by name.
        assertEquals(ordered(ops, "self_bytes", true), names(rows));
        List<Long> apiSelf = new ArrayList<>();
        ops.forEach(o -> apiSelf.add(o.get("self_bytes").asLong()));
        Map<String, JsonNode> byName = new LinkedHashMap<>();
        ops.forEach(o -> byName.put(o.get("operation").asText(), o));
        List<Long> pageSelf = new ArrayList<>();
        long pageCalls = 0;
        for (JsonNode row : rows) {
            String name = row.at("/0/1").asText();
            JsonNode o = byName.get(name);
            assertEquals(name, row.at("/0/0").asText(), "the whole name is the cell's text");
            List<String> shown = new ArrayList<>();
            row.forEach(c -> shown.add(c.get(0).asText()));
            List<String> want = new ArrayList<>(List.of(name, o.get("calls").asText()));
            List<String> titles = new ArrayList<>();
            for (String k : List.of("self_bytes", "total_bytes", "average_bytes", "p50_bytes", "p99_bytes",
                    "max_bytes")) {
                want.add(bytes(o.get(k)));
                titles.add(exact(o.get(k)));
            }
            want.add(o.get("errors").asText());
            want.add(o.get("cold_calls").asText());
            assertEquals(want, shown, name);
            List<String> shownTitles = new ArrayList<>();
            for (int c = 2; c <= 7; c++) {
                shownTitles.add(row.at("/" + c + "/1").asText());
            }
            assertEquals(titles, shownTitles, name + ": each byte figure's exact count on hover");
            pageSelf.add(o.get("self_bytes").asLong());
            pageCalls += Long.parseLong(row.at("/1/0").asText());
        }
        assertEquals(apiSelf, pageSelf, "the page's order is the API's order by self bytes");
        for (JsonNode w : browser.evaluate(WORDS)) {
            assertEquals(0, w.get(2).asInt(), w.get(0).asText() + " is broken inside a word: " + w);
        }
        assertEquals(calls, pageCalls, "every profiled call the app made, in the rows");
        for (Map.Entry<String, Long> e : expected.entrySet()) {
            assertEquals(e.getValue(), byName.get(e.getKey()).get("calls").asLong(), e.getKey());
        }
        assertEquals(2, byName.get("CrashController.triggerException").get("errors").asLong());

        // The headline counts each byte once: the operations' self bytes summed, while their inclusive totals,
        // nested three deep (request, controller, repository, statement), add up to more.
        JsonNode status = http.json("/api/memory/status");
        long selfSum = 0;
        long totalSum = 0;
        long callSum = 0;
        for (JsonNode o : ops) {
            selfSum += o.get("self_bytes").asLong();
            totalSum += o.get("total_bytes").asLong();
            callSum += o.get("calls").asLong();
        }
        assertEquals(60, status.at("/profiled/operations").asLong(), status.get("profiled").toString());
        assertEquals(selfSum, status.at("/profiled/self_bytes").asLong(), status.get("profiled").toString());
        assertEquals(callSum, status.at("/profiled/calls").asLong(), status.get("profiled").toString());
        assertTrue(totalSum > selfSum, "inclusive totals count nested bytes again: " + totalSum + " vs " + selfSum);

        // The heap chart's legend names the lines drawn and nothing else: no limit, no line, no entry.
        List<String> legend = texts(browser.evaluate(
                "[...document.getElementById('heap-legend').children].map(n => n.textContent)"));
        List<String> drawn = texts(browser.evaluate(
                "[...document.querySelectorAll('#heap-chart path')].map(p => p.getAttribute('class'))"));
        if (status.at("/container/limit_bytes").isNull()) {
            assertEquals(List.of(), drawn.stream().filter(c -> c.equals("limit")).toList());
            List<String> want = new ArrayList<>(List.of("heap used", "committed"));
            if (!status.at("/process/resident_bytes").isNull()) {
                want.add("resident (RSS)");
            }
            assertEquals(want, legend, "the max (4 GiB) is far above the lines: noted, not drawn, not in the legend");
        } else {
            assertEquals(drawn.contains("limit"), legend.contains("container limit"), legend + " " + drawn);
        }
        assertEquals(List.of(), browser.console());
        Path png = Path.of("target", "dashboard-operations.png").toAbsolutePath();
        browser.evaluate("document.getElementById('ops-box').closest('section').scrollIntoView(), 1");
        browser.screenshot(png);
        assertTrue(Files.size(png) > 10_000, "a screenshot");
    }

    @Test
    void namesWrapOnlyBetweenWordsAndTheTableFitsTheWindow() throws Exception {
        JsonNode ops = http.json("/api/memory/top-consumers?limit=10000").get("operations");
        Set<String> apiNames = new HashSet<>();
        ops.forEach(o -> apiNames.add(o.get("operation").asText()));
        browser.viewport(1000, 900);
        browser.open(http.base + "/", LOADED);
        JsonNode words = browser.evaluate(WORDS);
        assertEquals(OPERATIONS, words.size(), words.toString());
        int wrapped = 0;
        Set<String> shown = new HashSet<>();
        for (JsonNode w : words) {
            shown.add(w.get(0).asText());
            assertEquals(0, w.get(2).asInt(), w.get(0).asText() + " is broken inside a word: " + w);
            wrapped += w.get(1).asInt() > 1 ? 1 : 0;
        }
        assertEquals(apiNames, shown);
        // At this width long names do wrap, so the check above saw line breaks (at "/", "." or a space).
        assertTrue(wrapped > 0, "no name wrapped at 1000 px: " + words);
        JsonNode box = browser.evaluate(BOX);
        assertEquals(0, box.get("overflowX").asInt(), "the table fits the window's width: " + box);
        assertEquals(List.of(), browser.console());
    }

    @Test
    void theListIsAsTallAsTheWindowAndFullWidth() throws Exception {
        browser.viewport(1280, 900);
        browser.open(http.base + "/", LOADED);
        JsonNode box = browser.evaluate(BOX);
        assertEquals(900 - BOX_OFFSET, box.get("height").asDouble(), 0.5, box.toString());
        assertTrue(box.get("scrolls").asBoolean(), "60 rows scroll within the box: " + box);
        assertTrue(box.get("sectionBottom").asDouble() <= 900, "the whole list, heading and filter on screen: " + box);
        assertEquals(box.get("mainWidth").asDouble(), box.get("sectionWidth").asDouble(), 0.5, "full width: " + box);
        assertTrue(box.get("visible").asInt() >= 20, "at least 20 rows in view: " + box);
        // A taller window, a taller list.
        browser.viewport(1280, 1400);
        box = browser.evaluate(BOX);
        assertEquals(1400 - BOX_OFFSET, box.get("height").asDouble(), 0.5, box.toString());
        assertTrue(box.get("visible").asInt() >= 40, "at least 40 rows in view: " + box);
        // A short one: never under the minimum, still 20 rows.
        browser.viewport(1280, 560);
        box = browser.evaluate(BOX);
        assertEquals(BOX_MIN, box.get("height").asDouble(), 0.5, box.toString());
        assertTrue(box.get("visible").asInt() >= 20, "at least 20 rows in view: " + box);
        assertEquals(List.of(), browser.console());
    }

    @Test
    void headingsSortAndTheFilterBoxFilters() throws Exception {
        JsonNode ops = http.json("/api/memory/top-consumers?limit=10000").get("operations");
        browser.viewport(1280, 900);
        browser.open(http.base + "/", LOADED);
        // Total bytes, largest first, until a heading is clicked.
        assertEquals(ordered(ops, "total_bytes", true), names(browser.evaluate(ROWS)));
        browser.evaluate("document.querySelector('#ops th[data-k=p99_bytes]').click(), 1");
        assertEquals(ordered(ops, "p99_bytes", true), names(browser.evaluate(ROWS)));
        browser.evaluate("document.querySelector('#ops th[data-k=calls]').click(), 1");
        assertEquals(ordered(ops, "calls", true), names(browser.evaluate(ROWS)));
        browser.evaluate("document.querySelector('#ops th[data-k=calls]').click(), 1");
        assertEquals(ordered(ops, "calls", false), names(browser.evaluate(ROWS)));
        assertEquals("#sort=calls&order=asc&q=", browser.evaluate("location.hash").asText());
        browser.evaluate("document.getElementById('filter').focus(), 1");
        browser.type("db.");
        List<String> db = ordered(ops, "calls", false).stream().filter(n -> n.startsWith("DB.")).toList();
        assertEquals(11, db.size());
        assertEquals(db, names(browser.evaluate(ROWS)));
        assertEquals("11 of 60 operations", browser.evaluate(COUNT).asText());
        assertEquals(List.of(), browser.console());
    }

    @Test
    void aThousandOperationsAreAllRowsAndFilterInThePage() throws Exception {
        long bigCalls = Long.parseLong(big.awaitLine("ready calls=").substring("ready calls=".length()));
        HttpClientForTests api = HttpClientForTests.of(big);
        HttpApiIT.awaitCalls(api, bigCalls);
        JsonNode ops = api.json("/api/memory/top-consumers?limit=10000").get("operations");
        assertEquals(1000, ops.size());
        browser.viewport(1280, 900);
        browser.open(api.base + "/", LOADED);
        JsonNode rows = browser.evaluate(ROWS);
        assertEquals(1000, rows.size());
        assertEquals(ordered(ops, "total_bytes", true), names(rows));
        assertEquals("1,000 operations", browser.evaluate(COUNT).asText());
        JsonNode box = browser.evaluate(BOX);
        assertEquals(900 - BOX_OFFSET, box.get("height").asDouble(), 0.5, "1,000 rows scroll inside the box: " + box);
        // Batch.job7, job70-79, job700-799: 111 names.
        browser.evaluate("document.getElementById('filter').focus(), 1");
        browser.type("job7");
        List<String> matching = names(browser.evaluate(ROWS));
        assertEquals(111, matching.size());
        assertEquals(ordered(ops, "total_bytes", true).stream().filter(n -> n.contains("job7")).toList(), matching);
        assertEquals("111 of 1,000 operations", browser.evaluate(COUNT).asText());
        assertEquals(List.of(), browser.console());
    }
}
