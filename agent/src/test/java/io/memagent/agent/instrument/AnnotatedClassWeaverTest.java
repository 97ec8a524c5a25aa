package io.memagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.memagent.agent.aggregate.Aggregator;
import io.memagent.agent.aggregate.OperationSummary;
import io.memagent.agent.config.Config;
import io.memagent.agent.config.MethodPattern;
import io.memagent.agent.instrument.woven.Parsers;
import io.memagent.agent.instrument.woven.Shapes;
import io.memagent.agent.store.InMemorySink;
import io.memagent.agent.RecorderReset;
import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.RecordingThresholds;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The ASM weaver on awkward method shapes: the woven class passes the JVM's verifier, behaves as
 * the original, and every call is recorded once, under the names {@link OperationNaming} gives.
 */
@ExtendWith(RecorderReset.class)
class AnnotatedClassWeaverTest {
    /** Defines the woven copy of a class first, its own loader's way (everything else from the parent). */
    static final class WovenLoader extends ClassLoader {
        private final Map<String, byte[]> woven = new HashMap<>();

        WovenLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && woven.containsKey(name)) {
                    byte[] b = woven.get(name);
                    c = defineClass(name, b, 0, b.length);
                }
                return c != null ? c : super.loadClass(name, resolve);
            }
        }
    }

    static byte[] classFile(Class<?> c) throws Exception {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Recording on, every call kept in the figures, and an aggregator to read them from. */
    static Aggregator recording(OperationRegistry registry) {
        AtomicLong clock = new AtomicLong(1_000_000_000_000L);
        RecordingThresholds.configure(100_000_000, 0);
        HotPath.setEnabled(true);
        return new Aggregator(10_000, 100_000_000, registry, new InMemorySink(1000), clock::get);
    }

    static List<MethodPattern> includes(String patterns) throws Exception {
        Properties p = new Properties();
        p.setProperty("memagent.include", patterns);
        return Config.load(null, p, Map.of()).includes();
    }

    @Test
    void includedMethodsOfAPlainClassAreWovenAndRecordedUnderTheirDefaultNames() throws Exception {
        OperationRegistry registry = new OperationRegistry(20_000);
        Aggregator aggregator = recording(registry);
        WovenLoader loader = new WovenLoader(getClass().getClassLoader());
        AnnotatedClassWeaver weaver = new AnnotatedClassWeaver(registry,
                includes("io.memagent.agent.instrument.woven.Shapes#nothing;io.memagent.agent.instrument.woven.Pars*#parse*"));
        AnnotatedClassWeaver.Result r = weaver.weave(loader, classFile(Parsers.class));
        assertFalse(r.leaveToByteBuddy());
        assertNotNull(r.bytes());
        loader.woven.put(Parsers.class.getName(), r.bytes());
        Class<?> c = loader.loadClass(Parsers.class.getName());
        Object parsers = c.getConstructor(int.class).newInstance(100);
        assertEquals(100, ((byte[]) c.getMethod("parseBytes").invoke(parsers)).length);
        assertEquals(100, ((byte[]) c.getMethod("parseBytes").invoke(parsers)).length);
        assertEquals(100, ((byte[]) c.getMethod("format").invoke(parsers)).length);
        assertEquals(14, c.getMethod("parseTwice", int.class).invoke(null, 7));
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                () -> c.getMethod("parseTwice", int.class).invoke(null, -1));
        assertEquals("negative: -1", thrown.getCause().getMessage());

        aggregator.collectNow();
        Map<String, OperationSummary> ops = new HashMap<>();
        for (OperationSummary o : aggregator.summaries()) {
            ops.put(o.name(), o);
        }
        assertEquals(java.util.Set.of("Parsers.parseBytes", "Parsers.parseTwice"), ops.keySet());
        assertEquals(2, ops.get("Parsers.parseBytes").calls());
        assertEquals(2, ops.get("Parsers.parseTwice").calls());
        assertEquals(1, ops.get("Parsers.parseTwice").errors());

        // A class no pattern names, and one whose methods none matches, are left alone.
        assertEquals(AnnotatedClassWeaver.Result.NOTHING, new AnnotatedClassWeaver(registry,
                includes("io.memagent.agent.instrument.woven.Parsers#nothing*")).weave(loader, classFile(Parsers.class)));
        assertEquals(AnnotatedClassWeaver.Result.NOTHING, new AnnotatedClassWeaver(registry,
                includes("com.acme.*#parse*")).weave(loader, classFile(Parsers.class)));
    }

    @Test
    void awkwardShapesVerifyBehaveAsTheOriginalAndAreEachRecordedOnce() throws Exception {
        OperationRegistry registry = new OperationRegistry(20_000);
        Aggregator aggregator = recording(registry);
        WovenLoader loader = new WovenLoader(getClass().getClassLoader());
        AnnotatedClassWeaver.Result r = new AnnotatedClassWeaver(registry, List.of()).weave(loader, classFile(Shapes.class));
        assertFalse(r.leaveToByteBuddy());
        assertNotNull(r.bytes());
        loader.woven.put(Shapes.class.getName(), r.bytes());
        Class<?> c = loader.loadClass(Shapes.class.getName());
        Object shapes = c.getConstructor(long.class).newInstance(5L);
        Shapes plain = new Shapes(5L);

        assertEquals(plain.wide(1L << 40, 1.5, 7, -3L), c.getMethod("wide", long.class, double.class, int.class,
                long.class).invoke(shapes, 1L << 40, 1.5, 7, -3L));
        assertEquals(1010, c.getMethod("caught", int.class).invoke(null, 5));
        assertEquals(999, c.getMethod("caught", int.class).invoke(null, -5));
        InvocationTargetException thrown = assertThrows(InvocationTargetException.class,
                () -> c.getMethod("escapes", String.class).invoke(null, "boom"));
        assertEquals("boom", thrown.getCause().getMessage());
        assertEquals(15L, c.getMethod("add", long.class).invoke(shapes, 10L));
        assertEquals(7.5, c.getMethod("twice", double.class, float.class).invoke(null, 3.0, 1.5f));
        assertEquals(2 * 4, c.getMethod("viaLambda", int.class).invoke(shapes, 4));
        assertEquals(100, ((byte[]) c.getMethod("named", int.class).invoke(shapes, 100)).length);
        // The synchronized methods hold the same monitor, now taken inside the measured window.
        Method add = c.getMethod("add", long.class);
        assertFalse(Modifier.isSynchronized(add.getModifiers()));
        synchronized (shapes) {
            assertEquals(16L, add.invoke(shapes, 1L), "reentrant");
        }

        aggregator.collectNow();
        Map<String, OperationSummary> ops = new HashMap<>();
        for (OperationSummary o : aggregator.summaries()) {
            ops.put(o.name(), o);
        }
        assertEquals(1, ops.get("shapes.wide").calls());
        assertEquals(2, ops.get("shapes.caught").calls());
        assertEquals(0, ops.get("shapes.caught").errors(), "the method's own catch clause handled it");
        assertEquals(1, ops.get("shapes.escapes").errors());
        assertEquals(2, ops.get("shapes.add").calls());
        assertEquals(1, ops.get("shapes.twice").calls());
        assertEquals(1, ops.get("shapes.viaLambda").calls());
        assertEquals(1, ops.get("custom.name").calls());
        assertTrue(ops.get("custom.name").totalBytes() >= 116, "a 100-byte array at least");
        assertFalse(ops.containsKey("shapes.<init>") || ops.containsKey("shapes.<clinit>"));
        assertTrue(ops.keySet().stream().noneMatch(n -> n.contains("lambda$")), ops.keySet().toString());
    }
}
