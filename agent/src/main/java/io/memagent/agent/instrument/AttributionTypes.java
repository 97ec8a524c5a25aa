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
 *
 * <p>Only the kinds asked for are looked for ({@code wanted}: those whose methods the class declares), and the
 * walk up the supertypes stops once they are all found: a Spring filter's base class lists {@code Filter} first
 * and six other interfaces after it, none of which is then read. A name resolved that way is cached as partial
 * (what was found, no more) and read again, in full, only when asked for a kind it does not hold. Each such read is a
 * class file through the app's class loader (a Spring Boot fat jar's nested jars among them), on the loading thread,
 * before the JIT has compiled any of it. The JDK's own JDBC interfaces are known without reading them.
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
    /** In the cache: every supertype was read, so the entry holds all the kinds, not just those asked for. */
    private static final int COMPLETE = 512;
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
            "javax/servlet/Filter", JAVAX_FILTER | INTERFACE,
            // The JDK's two other statements; no other type of java.sql is a statement or connection (below).
            "java/sql/PreparedStatement", STATEMENT | INTERFACE,
            "java/sql/CallableStatement", STATEMENT | INTERFACE);

    /** Per class loader (weakly held): internal name -> its kinds (the bits above). */
    private final Map<ClassLoader, Map<String, Integer>> byLoader = new WeakHashMap<>();

    /**
     * The kinds of the class being loaded among {@code wanted} (the bits above, or 0), with {@link #UNKNOWN} when one
     * of those could be neither found nor ruled out: never one for an interface, which has no code to weave.
     */
    int kinds(ClassLoader loader, byte[] classFile, int wanted) {
        ClassReader reader = new ClassReader(classFile);
        Map<String, Integer> cache = cache(loader);
        int kinds = header(loader, cache, reader, wanted & TYPES);
        cache.put(reader.getClassName(), kinds);
        if ((kinds & INTERFACE) != 0) {
            return 0;
        }
        int found = kinds & wanted & TYPES;
        return found == (wanted & TYPES) ? found : found | (kinds & UNKNOWN);
    }

    /** All the kinds of the class being loaded ({@link #kinds(ClassLoader, byte[], int)} asked for every kind). */
    int kinds(ClassLoader loader, byte[] classFile) {
        return kinds(loader, classFile, JDBC | HTTP);
    }

    private Map<String, Integer> cache(ClassLoader loader) {
        synchronized (byLoader) {
            return byLoader.computeIfAbsent(loader, l -> new ConcurrentHashMap<>());
        }
    }

    /**
     * The kinds a class's supertypes give it, with {@link #INTERFACE} when it is one: read from each supertype in
     * turn until every {@code wanted} kind is found, and {@link #COMPLETE} when none was left unread.
     */
    private int header(ClassLoader loader, Map<String, Integer> cache, ClassReader reader, int wanted) {
        int kinds = ((reader.getAccess() & Opcodes.ACC_INTERFACE) != 0 ? INTERFACE : 0) | COMPLETE;
        String superName = reader.getSuperName();
        String[] interfaces = reader.getInterfaces();
        for (int i = superName == null ? 0 : -1; i < interfaces.length; i++) {
            if ((kinds & wanted) == wanted) {
                return kinds & ~COMPLETE; // the rest are not read: what they would add was not asked for
            }
            int supertype = resolve(loader, cache, i < 0 ? superName : interfaces[i], wanted);
            kinds |= supertype & TYPES;
            kinds &= supertype | ~COMPLETE;
        }
        return kinds;
    }

    /**
     * A supertype's kinds (with {@link #INTERFACE} when it is one, {@link #COMPLETE} when all are there), from what
     * is known, the cache, or its class file.
     */
    private int resolve(ClassLoader loader, Map<String, Integer> cache, String name, int wanted) {
        Integer target = TARGETS.get(name);
        if (target != null) {
            return target | COMPLETE;
        }
        if (name.startsWith("java/")) {
            return COMPLETE; // no other JDK type is a statement, connection, handler, servlet or filter
        }
        Integer known = cache.get(name);
        if (known != null && ((known & COMPLETE) != 0 || (known & wanted) == wanted)) {
            return known;
        }
        int kinds;
        try (InputStream in = loader.getResourceAsStream(name + ".class")) {
            kinds = in == null ? UNKNOWN | COMPLETE : header(loader, cache, new ClassReader(in.readAllBytes()), wanted);
        } catch (Exception | LinkageError e) {
            kinds = UNKNOWN | COMPLETE;
        }
        cache.put(name, kinds);
        return kinds;
    }
}
