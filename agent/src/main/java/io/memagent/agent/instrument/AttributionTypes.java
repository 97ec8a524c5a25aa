package io.memagent.agent.instrument;

import java.io.InputStream;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.Opcodes;

/**
 * Which classes the JDBC and HTTP advice applies to, decided from class files alone: a class that is not an
 * interface and has, among its supertypes, {@code java.sql.Statement} or {@code java.sql.Connection}
 * ({@link #JDBC}), or the JDK HTTP server's {@code HttpHandler} or a {@code Servlet} or {@code Filter} of either
 * servlet API ({@link #HTTP}). The same rule as the Byte Buddy matchers in {@link ByteBuddyTransformer}, applied
 * before them: only the classes it picks wait for Byte Buddy and go through its matching; the hundreds of other
 * classes that merely mention {@code java/sql/} or a servlet package (a framework's JDBC or web layer) load
 * untouched.
 *
 * <p>Supertypes are resolved by name through a small cache per class loader: a class file's header (its super
 * class and interfaces, read by ASM without parsing the rest) gives each name's supertypes; a name not seen before is
 * read from its loader's class file ({@code getResourceAsStream}, as Byte Buddy's locator does), so nothing is loaded
 * or initialized on the app's behalf. A supertype that cannot be read (another agent's generated interface, a class
 * file that is not there) makes the class {@link #UNKNOWN}: it is handed to Byte Buddy, as before.
 */
final class AttributionTypes {
    /** A JDBC statement or connection implementation. */
    static final int JDBC = 1;
    /** A JDK HTTP server handler, or a servlet or filter of either API. */
    static final int HTTP = 2;
    /** Some supertype could not be read: Byte Buddy decides. */
    static final int UNKNOWN = 4;
    private static final int INTERFACE = 8;
    private static final int TYPES = JDBC | HTTP | UNKNOWN;

    private static final Map<String, Integer> TARGETS = Map.of(
            "java/sql/Statement", JDBC | INTERFACE,
            "java/sql/Connection", JDBC | INTERFACE,
            "com/sun/net/httpserver/HttpHandler", HTTP | INTERFACE,
            "jakarta/servlet/Servlet", HTTP | INTERFACE,
            "jakarta/servlet/Filter", HTTP | INTERFACE,
            "javax/servlet/Servlet", HTTP | INTERFACE,
            "javax/servlet/Filter", HTTP | INTERFACE);

    /** Per class loader (weakly held): internal name -> its kinds (the bits above). */
    private final Map<ClassLoader, Map<String, Integer>> byLoader = new WeakHashMap<>();

    /**
     * The kinds of the class being loaded ({@link #JDBC}, {@link #HTTP}, {@link #UNKNOWN}, or 0): never one for an
     * interface, which has no code to weave.
     */
    int kinds(ClassLoader loader, byte[] classFile) {
        ClassReader reader = new ClassReader(classFile);
        Map<String, Integer> cache = cache(loader);
        int kinds = header(loader, cache, reader);
        cache.put(reader.getClassName(), kinds);
        return (kinds & INTERFACE) != 0 ? 0 : kinds & TYPES;
    }

    private Map<String, Integer> cache(ClassLoader loader) {
        synchronized (byLoader) {
            return byLoader.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
        }
    }

    private int header(ClassLoader loader, Map<String, Integer> cache, ClassReader reader) {
        int kinds = (reader.getAccess() & Opcodes.ACC_INTERFACE) != 0 ? INTERFACE : 0;
        String superName = reader.getSuperName();
        if (superName != null) {
            kinds |= resolve(loader, cache, superName) & TYPES;
        }
        for (String i : reader.getInterfaces()) {
            kinds |= resolve(loader, cache, i) & TYPES;
        }
        return kinds;
    }

    /** A supertype's kinds (with {@link #INTERFACE} when it is one), from the cache or its class file. */
    private int resolve(ClassLoader loader, Map<String, Integer> cache, String name) {
        Integer target = TARGETS.get(name);
        if (target != null) {
            return target;
        }
        if (name.startsWith("java/") && !name.startsWith("java/sql/")) {
            return 0; // no JDK type outside java.sql is a statement, connection, handler, servlet or filter
        }
        Integer known = cache.get(name);
        if (known != null) {
            return known;
        }
        int kinds;
        try (InputStream in = loader.getResourceAsStream(name + ".class")) {
            kinds = in == null ? UNKNOWN : header(loader, cache, new ClassReader(in.readAllBytes()));
        } catch (Exception | LinkageError e) {
            kinds = UNKNOWN;
        }
        cache.put(name, kinds);
        return kinds;
    }
}
