package io.memagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An operation is its name: no two operations ever share one (reports, tables, /metrics series). */
class OperationRegistryTest {
    private final OperationRegistry registry = new OperationRegistry(20_000);

    @Test
    void overloadsMatchedByAPatternAreOneOperation() {
        int a = registry.register("JdbcTemplate.update", "org.springframework.jdbc.core.JdbcTemplate#update(Ljava/lang/String;)I", "method");
        int b = registry.register("JdbcTemplate.update", "org.springframework.jdbc.core.JdbcTemplate#update(Ljava/lang/String;[Ljava/lang/Object;)I", "method");
        int c = registry.register("JdbcTemplate.update", "org.springframework.jdbc.core.JdbcTemplate#update(Lorg/springframework/jdbc/core/PreparedStatementCreator;)I", "method");
        assertEquals(a, b);
        assertEquals(a, c);
        assertEquals(2, registry.size(), "the catch-all and one operation");
        // The method column names all of them.
        assertEquals("org.springframework.jdbc.core.JdbcTemplate#update(..)", registry.get(a).method());
        int single = registry.register("JdbcTemplate.query", "org.springframework.jdbc.core.JdbcTemplate#query(Ljava/lang/String;)V", "method");
        assertEquals("org.springframework.jdbc.core.JdbcTemplate#query(Ljava/lang/String;)V", registry.get(single).method(),
                "one signature keeps its descriptor");
    }

    @Test
    void twoClassesWithOneSimpleNameGetDistinctNames() {
        int a = registry.register("OrderService.create", "com.a.OrderService#create()V", "method");
        int b = registry.register("OrderService.create", "com.b.OrderService#create()V", "method");
        int b2 = registry.register("OrderService.create", "com.b.OrderService#create(I)V", "method");
        assertNotEquals(a, b);
        assertEquals(b, b2, "the second class's overloads are its one operation");
        assertEquals("OrderService.create", registry.get(a).name());
        assertEquals("com.b.OrderService.create", registry.get(b).name());
        assertEquals(b, registry.register("OrderService.create", "com.b.OrderService#create()V", "method"));
    }

    @Test
    void methodsAnAnnotationNamesAlikeAreOneOperation() {
        int a = registry.register("checkout", "com.a.Cart#pay()V", "method");
        int b = registry.register("checkout", "com.b.Basket#settle()V", "method");
        assertEquals(a, b);
    }

    @Test
    void namesStayUniqueUnderManyRegistrations() {
        Set<String> names = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            registry.register("Svc.run", "p" + (i % 5) + ".Svc#run(" + (i % 3 == 0 ? "I" : "") + ")V", "method");
        }
        for (int id = 0; id < registry.size(); id++) {
            assertEquals(true, names.add(registry.get(id).name()), "duplicate name " + registry.get(id).name());
        }
        assertEquals(1 + 5, registry.size());
    }
}
