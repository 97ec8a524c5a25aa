package io.memagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.agent.RecorderReset;
import io.memagent.agent.aggregate.Aggregator;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.instrument.woven.OrderFilter;
import io.memagent.agent.store.InMemorySink;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import io.memagent.bootstrap.RuntimeNames;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The attribution weaver on real classes: pgjdbc's statements and connection pass the JVM's verifier once woven,
 * and a filter of awkward shape behaves as the original and records each outermost request once, under its path.
 */
@ExtendWith(RecorderReset.class)
class AttributionWeaverTest {
    /** Defines every class under {@code prefix} itself, woven where the attribution weaver weaves it. */
    static ChildFirstLoader childFirst(ClassLoader parent, String prefix) {
        AttributionTypes types = new AttributionTypes();
        return new ChildFirstLoader(parent, name -> name.startsWith(prefix), (name, b) -> {
            int kinds = types.kinds(parent, b);
            byte[] woven = kinds == 0 ? null : AttributionWeaver.weave(b, kinds);
            return woven != null ? woven : b;
        });
    }

    @Test
    void pgjdbcsStatementsAndConnectionVerifyOnceWoven() throws Exception {
        ChildFirstLoader loader = childFirst(getClass().getClassLoader(), "org.postgresql.");
        for (String name : new String[] {"org.postgresql.jdbc.PgStatement", "org.postgresql.jdbc.PgPreparedStatement",
            "org.postgresql.jdbc.PgCallableStatement", "org.postgresql.jdbc.PgConnection"}) {
            Class<?> c = Class.forName(name, true, loader); // linking verifies the woven code
            assertEquals(loader, c.getClassLoader());
        }
        byte[] statement;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("org/postgresql/jdbc/PgStatement.class")) {
            statement = in.readAllBytes();
        }
        assertNotNull(AttributionWeaver.weave(statement, AttributionTypes.STATEMENT));
        assertNull(AttributionWeaver.weave(statement, AttributionTypes.CONNECTION), "no connection method in it");
    }

    /**
     * The pre-check that spares reading supertypes loses nothing: on every class of pgjdbc and of the servlet API,
     * wherever the weaver weaves a method, the class is said to declare one; and it rules out most classes.
     */
    @Test
    void everyClassTheWeaverWeavesDeclaresAWeavableMethod() throws Exception {
        ClassLoader loader = getClass().getClassLoader();
        AttributionTypes types = new AttributionTypes();
        int classes = 0;
        int declaring = 0;
        java.util.List<String> woven = new java.util.ArrayList<>();
        for (Class<?> inJar : new Class<?>[] {org.postgresql.jdbc.PgStatement.class, FilterChain.class}) {
            java.nio.file.Path jar = java.nio.file.Path.of(inJar.getProtectionDomain().getCodeSource().getLocation().toURI());
            try (java.util.jar.JarFile j = new java.util.jar.JarFile(jar.toFile())) {
                for (java.util.jar.JarEntry e : java.util.Collections.list(j.entries())) {
                    if (!e.getName().endsWith(".class") || e.getName().contains("module-info")) {
                        continue;
                    }
                    byte[] b;
                    try (InputStream in = j.getInputStream(e)) {
                        b = in.readAllBytes();
                    }
                    classes++;
                    boolean declares =
                            AttributionWeaver.declaredKinds(b, AttributionTypes.JDBC | AttributionTypes.HTTP) != 0;
                    declaring += declares ? 1 : 0;
                    int kinds = types.kinds(loader, b) & (AttributionTypes.JDBC | AttributionTypes.HTTP);
                    if (kinds != 0 && AttributionWeaver.weave(b, kinds) != null) {
                        woven.add(e.getName());
                        assertTrue(declares, e.getName() + " is woven, so it declares a method to weave");
                    }
                }
            }
        }
        assertTrue(woven.containsAll(java.util.List.of("org/postgresql/jdbc/PgStatement.class",
                "org/postgresql/jdbc/PgPreparedStatement.class", "org/postgresql/jdbc/PgConnection.class",
                "jakarta/servlet/http/HttpServlet.class")), "woven: " + woven);
        assertTrue(declaring * 10 < classes, declaring + " of " + classes + " classes declare a method to weave");
    }

    @Test
    void aFilterBehavesAsTheOriginalAndEachOutermostRequestIsRecordedOnce() throws Exception {
        OperationRegistry registry = new OperationRegistry(20_000);
        AtomicLong clock = new AtomicLong(1_000_000_000_000L);
        RecordingThresholds.configure(100_000_000, 0);
        RuntimeNames.setOperationNames(new NamedOperations(registry, 100));
        HotPath.setEnabled(true);
        Aggregator aggregator = new Aggregator(10_000, 100_000_000, registry, new InMemorySink(1000), clock::get);

        ChildFirstLoader loader = childFirst(getClass().getClassLoader(), OrderFilter.class.getName());
        Class<?> c = loader.loadClass(OrderFilter.class.getName());
        Object filter = c.getConstructor().newInstance();
        java.lang.reflect.Method doFilter = c.getMethod("doFilter", ServletRequest.class, ServletResponse.class,
                FilterChain.class);
        java.lang.reflect.Field passes = c.getField("passes");
        int[] chained = {0};
        FilterChain chain = (req, resp) -> chained[0]++;

        doFilter.invoke(filter, request("/orders/17", null, DispatcherType.REQUEST), null, chain);
        assertEquals(2L, passes.getLong(filter));
        doFilter.invoke(filter, request("/orders/18", "skip", DispatcherType.REQUEST), null, chain);
        assertEquals(1L, passes.getLong(filter));
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                () -> doFilter.invoke(filter, request("/orders/19", "fail", DispatcherType.REQUEST), null, chain));
        assertEquals("fail 1.5", thrown.getCause().getMessage());
        doFilter.invoke(filter, request("/orders/20", null, DispatcherType.FORWARD), null, chain);
        assertEquals(2, chained[0]);

        aggregator.collectNow();
        Map<String, OperationSummary> ops = new HashMap<>();
        for (OperationSummary o : aggregator.summaries()) {
            ops.put(o.name(), o);
        }
        OperationSummary orders = ops.get("HTTP GET /orders/{id}");
        assertNotNull(orders, ops.keySet().toString());
        assertEquals(3, orders.calls(), "the FORWARD dispatch is not a request of its own");
        assertEquals(1, orders.errors());
        assertTrue(ops.keySet().stream().allMatch(n -> n.equals("HTTP GET /orders/{id}")), ops.keySet().toString());
    }

    private static HttpServletRequest request(String path, String parameter, DispatcherType dispatch) {
        return (HttpServletRequest) Proxy.newProxyInstance(AttributionWeaverTest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "getDispatcherType":
                            return dispatch;
                        case "getMethod":
                            return "GET";
                        case "getRequestURI":
                            return path;
                        case "getParameter":
                            return args[0].equals(parameter) ? "1" : null;
                        default:
                            return null;
                    }
                });
    }
}
