package io.memagent.agent.util;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ReadableMethodTest {
    @Test
    void descriptorsBecomeTypeNamesAndOtherFormsStayAsTheyAre() {
        assertEquals("OrderService.place(String, int[], long[][], Map.Entry)",
                ReadableMethod.of("io.acme.OrderService#place(Ljava/lang/String;[I[[JLjava/util/Map$Entry;)V"));
        assertEquals("SpikeApp.alloc(int)", ReadableMethod.of("io.memagent.testapps.SpikeApp#alloc(I)V"));
        assertEquals("Main.run()", ReadableMethod.of("Main#run()V"));
        assertEquals("io.memagent.api.MemoryProfiler#block(name)", ReadableMethod.of("io.memagent.api.MemoryProfiler#block(name)"));
        assertEquals("x.Y#z(..)", ReadableMethod.of("x.Y#z(..)"));
        assertEquals("(heap)", ReadableMethod.of("(heap)"));
        assertEquals("a.B#c(Ljava/lang", ReadableMethod.of("a.B#c(Ljava/lang"));
    }
}
