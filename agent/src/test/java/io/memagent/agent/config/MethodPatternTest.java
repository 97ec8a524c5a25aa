package io.memagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MethodPatternTest {
    @Test
    void wildcardsMatchRunsWithinClassAndMethodNames() throws Exception {
        List<MethodPattern> ps = MethodPattern.parseList("memagent.include",
                "com.acme.*Service#process*;com.fasterxml.jackson.databind.ObjectMapper#readTree;");
        assertEquals(2, ps.size());
        MethodPattern svc = ps.get(0);
        assertTrue(svc.matchesClass("com.acme.OrderService"));
        assertTrue(svc.matchesClass("com.acme.billing.InvoiceService"));
        assertFalse(svc.matchesClass("com.acme.OrderServiceImpl"));
        assertFalse(svc.matchesClass("org.acme.OrderService"));
        assertTrue(svc.matchesMethod("process"));
        assertTrue(svc.matchesMethod("processAll"));
        assertFalse(svc.matchesMethod("reprocess"));
        MethodPattern exact = ps.get(1);
        assertTrue(exact.matchesClass("com.fasterxml.jackson.databind.ObjectMapper"));
        assertFalse(exact.matchesClass("com.fasterxml.jackson.databind.ObjectMapperX"));
        assertTrue(exact.matchesMethod("readTree"));
        assertFalse(exact.matchesMethod("readTreeX"));
    }

    @Test
    void malformedPatternsAreClearErrors() {
        for (String bad : new String[] {"com.acme.Foo", "#run", "Foo#", "Foo#a#b", "com..Foo#run", "com.acme.Foo.#run",
                "Foo#ru n", "1Foo#run", "   "}) {
            ConfigException e = assertThrows(ConfigException.class, () -> MethodPattern.parseList("memagent.include", bad), bad);
            assertTrue(e.getMessage().startsWith("memagent.include"), e.getMessage());
            assertTrue(e.getMessage().contains("Class#method"), e.getMessage());
        }
    }
}
