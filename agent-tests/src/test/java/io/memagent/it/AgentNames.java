package io.memagent.it;

import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/** {@code io.memagent.agent.util.Names#operation} from the real agent jar: the name a raw one is stored as. */
final class AgentNames {
    private static Method operation;

    private AgentNames() {
    }

    static synchronized String operation(String raw) {
        try {
            if (operation == null) {
                URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(AppRun.AGENT_JAR).toUri().toURL()}, null);
                operation = Class.forName("io.memagent.agent.util.Names", true, loader).getMethod("operation", String.class);
            }
            return (String) operation.invoke(null, raw);
        } catch (ReflectiveOperationException | java.io.IOException e) {
            throw new IllegalStateException("cannot call Names.operation in " + AppRun.AGENT_JAR, e);
        }
    }
}
