package io.memagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Once {@code preload(null)} has run, the class filter transforms an annotated class, a class named by an include
 * pattern, JDBC statements and connections, and a servlet filter without loading one class of the agent or of its ASM: a class it first needed mid-transform
 * would load inside another class's load, where another agent's transformer can deadlock with it. The filter's
 * classes are defined here by a loader of their own, which records every class it defines.
 */
class PrefilteringTransformerPreloadTest {
    @Test
    void afterThePreloadTransformingLoadsNoClass() throws Exception {
        // The agent's classes and Byte Buddy's (its ASM) defined by a loader of their own, which records them.
        ChildFirstLoader loader = new ChildFirstLoader(getClass().getClassLoader(),
                name -> name.startsWith("io.memagent.agent.") || name.startsWith("net.bytebuddy."), (name, b) -> b);
        Class<?> instrumenterClass = loader.loadClass(Instrumenter.class.getName());
        Class<?> preloadClass = loader.loadClass(FilterPreload.class.getName());
        java.util.Properties props = new java.util.Properties();
        // Matches the class as the filter is told it (com.example) and as its class file names it.
        props.setProperty("memagent.include", "*.Parsers#parse*");
        Object config = loader.loadClass(io.memagent.agent.config.Config.class.getName())
                .getMethod("load", String.class, java.util.Properties.class, java.util.Map.class)
                .invoke(null, null, props, java.util.Map.of());
        List<?> includes = (List<?>) config.getClass().getMethod("includes").invoke(config);
        Object instrumenter = instrumenterClass.getConstructor(List.class, boolean.class, boolean.class, preloadClass)
                .newInstance(includes, true, true, null); // no preload thread: the test runs the preload itself
        Class<?> registryClass = loader.loadClass(OperationRegistry.class.getName());
        Object registry = registryClass.getConstructor(int.class).newInstance(1000);
        Class<?> weaverClass = loader.loadClass(AnnotatedClassWeaver.class.getName());
        Constructor<?> weaverConstructor = weaverClass.getDeclaredConstructor(registryClass, List.class);
        weaverConstructor.setAccessible(true);
        Object weaver = weaverConstructor.newInstance(registry, includes);
        Class<?> filterClass = loader.loadClass(PrefilteringTransformer.class.getName());
        Constructor<?> filterConstructor = filterClass.getDeclaredConstructor(instrumenterClass, List.class,
                boolean.class, boolean.class, weaverClass);
        filterConstructor.setAccessible(true);
        ClassFileTransformer filter = (ClassFileTransformer) filterConstructor.newInstance(instrumenter, includes,
                true, true, weaver);
        Method preload = filterClass.getDeclaredMethod("preload", byte[].class);
        preload.setAccessible(true);
        preload.invoke(filter, (Object) null); // null: the probe read from the classes, as outside a jar
        int preloaded = loader.defined.size();
        assertTrue(preloaded > 20, "the preload loads the filter's and ASM's classes: " + loader.defined);

        ClassLoader app = getClass().getClassLoader();
        // An annotated class (synchronized profiled methods among them), an included one, pgjdbc's statements and
        // connection, a jakarta servlet filter: each is woven (bytes returned), and nothing new is loaded.
        String[] classes = {"io/memagent/agent/instrument/woven/Shapes", "io/memagent/agent/instrument/woven/Parsers",
            "org/postgresql/jdbc/PgStatement",
            "org/postgresql/jdbc/PgPreparedStatement", "org/postgresql/jdbc/PgConnection",
            "io/memagent/agent/instrument/woven/OrderFilter"};
        for (String name : classes) {
            byte[] bytes;
            try (InputStream in = app.getResourceAsStream(name + ".class")) {
                assertNotNull(in, name);
                bytes = in.readAllBytes();
            }
            // Named as the app's (the agent's own package is never transformed); the weavers read the class file.
            String asAppClass = name.replace("io/memagent/agent/instrument/woven/", "com/example/");
            assertNotNull(filter.transform(app, asAppClass, null, null, bytes), name + " is woven");
        }
        assertEquals(List.of(), loader.defined.subList(preloaded, loader.defined.size()),
                "classes loaded while transforming, after the preload");
    }
}
