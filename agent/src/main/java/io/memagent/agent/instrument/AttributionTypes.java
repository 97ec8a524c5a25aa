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
 * servlet API ({@link #HTTP}); one bit each, which says what {@link AttributionWeaver} weaves. The same rule as
 * the Byte Buddy matchers in {@link ByteBuddyTransformer}: only the classes it picks are woven; the hundreds of
 * other classes that merely mention {@code java/sql/} or a servlet package (a framework's JDBC or web layer) load
 * untouched.
 *
 * <p>Supertypes are resolved by name through a small cache per class loader: a class file's header (its super
 * class and interfaces, read by ASM without parsing the rest) gives each name's supertypes; a name not seen before is
 * read from its loader's class file ({@code getResourceAsStream}, as Byte Buddy's locator does), so nothing is loaded
 * or initialized on the app's behalf. A supertype that cannot be read (another agent's generated interface, a class
 * file that is not there) makes the class {@link #UNKNOWN}: it is handed to Byte Buddy, as before.
 */
final class AttributionTypes {
    /** A JDBC statement implementation. */
    static final int STATEMENT = 1;
    /** A JDBC connection implementation. */
    static final int CONNECTION = 2;
    /** A JDK HTTP server handler. */
    static final int HANDLER = 4;
    static final int JAKARTA_SERVLET = 8;
    static final int JAKARTA_FILTER = 16;
    static final int JAVAX_SERVLET = 32;
    static final int JAVAX_FILTER = 64;
    /** Some supertype could not be read: Byte Buddy decides. */
    static final int UNKNOWN = 128;
    private static final int INTERFACE = 256;
    static final int JDBC = STATEMENT | CONNECTION;
    static final int HTTP = HANDLER | JAKARTA_SERVLET | JAKARTA_FILTER | JAVAX_SERVLET | JAVAX_FILTER;
    private static final int TYPES = JDBC | HTTP | UNKNOWN;

    private static final Map<String, Integer> TARGETS = Map.of(
            "java/sql/Statement", STATEMENT | INTERFACE,
            "java/sql/Connection", CONNECTION | INTERFACE,
            "com/sun/net/httpserver/HttpHandler", HANDLER | INTERFACE,
            "jakarta/servlet/Servlet", JAKARTA_SERVLET | INTERFACE,
            "jakarta/servlet/Filter", JAKARTA_FILTER | INTERFACE,
            "javax/servlet/Servlet", JAVAX_SERVLET | INTERFACE,
            "javax/servlet/Filter", JAVAX_FILTER | INTERFACE);

    /** Per class loader (weakly held): internal name -> its kinds (the bits above). */
    private final Map<ClassLoader, Map<String, Integer>> byLoader = new WeakHashMap<>();

    /**
     * The kinds of the class being loaded (the bits above, {@link #UNKNOWN}, or 0): never one for an interface,
     * which has no code to weave.
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
