package io.memagent.agent;

import java.lang.instrument.Instrumentation;

/**
 * The JVM's way in: the class the jar's manifest names as {@code Premain-Class} and {@code Agent-Class}; the work is
 * {@link MemAgent}'s.
 *
 * <p>The build marks both methods varargs in the class file (ACC_VARARGS; {@code src/build/MarkEntryPointsVarargs.java}
 * says why: the JVM's reflective call of them then generates no classes). Java source cannot declare that on a method
 * whose last parameter is not an array, and javac refuses such a class file, so nothing is compiled against this
 * class: it holds the two entry points only.
 */
public final class AgentEntry {
    private AgentEntry() {
    }

    public static void premain(String args, Instrumentation inst) {
        MemAgent.start(args, inst, false);
    }

    public static void agentmain(String args, Instrumentation inst) {
        MemAgent.start(args, inst, true);
    }
}
