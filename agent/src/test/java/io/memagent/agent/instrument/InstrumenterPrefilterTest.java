package io.memagent.agent.instrument;

import static io.memagent.agent.instrument.TestClassPath.classFile;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The class filter's gate for {@code memagent.attribute.http}: servlets and filters of either servlet API get
 * through to be woven, other classes do not. (The servlet APIs are on this
 * test's class path only because the agent module has them as {@code provided}.)
 */
class InstrumenterPrefilterTest {
    @Test
    void servletClassesOfBothApisPassTheHttpGate() throws IOException {
        assertTrue(mentionsHttp(classFile("jakarta/servlet/http/HttpServlet")));
        assertTrue(mentionsHttp(classFile("javax/servlet/http/HttpServlet")));
        assertTrue(mentionsHttp(classFile("jakarta/servlet/http/HttpFilter")));
    }

    @Test
    void aServletTypeThatDeclaresNothingToWeaveDoesNot() throws IOException {
        // GenericFilter implements Filter but leaves doFilter to its subclasses: no such name in its constant pool.
        assertFalse(mentionsHttp(classFile("jakarta/servlet/GenericFilter")));
    }

    @Test
    void otherClassesDoNot() throws IOException {
        assertFalse(mentionsHttp(classFile("java/lang/String")));
        assertFalse(mentionsHttp(classFile("io/memagent/agent/instrument/HttpOperationName")));
    }

    private static boolean mentionsHttp(byte[] classFile) {
        return (ClassFileScan.scanner(false, true).find(classFile) & ClassFileScan.HTTP) != 0;
    }
}
