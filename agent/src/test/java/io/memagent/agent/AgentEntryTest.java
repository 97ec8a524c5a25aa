package io.memagent.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;

/**
 * The build step that marks the JVM's entry points varargs ran on the class the tests and the jar get: without the
 * flag the JVM's reflective call of premain generates about seven classes on JDK 18+. By name: javac refuses to
 * compile against a class file with the flag on a method whose last parameter is not an array.
 */
class AgentEntryTest {
    @Test
    void premainAndAgentmainAreMarkedVarargs() throws Exception {
        Class<?> entry = Class.forName("io.memagent.agent.AgentEntry");
        for (String name : new String[] {"premain", "agentmain"}) {
            Method m = entry.getMethod(name, String.class, Instrumentation.class);
            assertTrue(m.isVarArgs(), name + " is not marked ACC_VARARGS: did MarkEntryPointsVarargs run?");
        }
    }
}
