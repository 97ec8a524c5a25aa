package io.memagent.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.memagent.testapps.AbstractAnnotatedApp;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code @ProfileMemory} on abstract and interface methods: one warning each, naming the method. */
class AbstractAnnotatedIT {
    @Test
    void anAnnotatedAbstractOrInterfaceMethodIsNamedInOneWarning() throws Exception {
        AppRun.Result r = AppRun.main(AbstractAnnotatedApp.class).run().assertOk();
        List<String> warnings = r.agentLines().stream().filter(l -> l.contains("is ignored: the method is abstract"))
                .toList();
        assertEquals(2, warnings.size(), r.stderr());
        assertEquals(1, warnings.stream().filter(l -> l.contains(
                "@ProfileMemory on io.memagent.testapps.AbstractAnnotatedApp$Parser#parse is ignored")
                && l.contains("(an interface method)")).count(), r.stderr());
        assertEquals(1, warnings.stream().filter(l -> l.contains(
                "@ProfileMemory on io.memagent.testapps.AbstractAnnotatedApp$Base#build is ignored")).count(), r.stderr());
        // The annotated implementation is profiled as usual: 3 calls in the exit report.
        assertEquals(3L, ClassLoadersIT.reportCalls(r).get("Impl.build"), r.stderr());
    }
}
