package io.memagent.agent.instrument;

import java.nio.charset.StandardCharsets;

/**
 * The pre-filter's reading of a class before anything parses it: one walk over the class file's
 * constant pool for the names it would hold ({@code @ProfileMemory}'s descriptor, the names of the
 * JDBC and HTTP methods the agent weaves), a byte search of the few that pass for the JDBC package,
 * the JDK HTTP server's handler and either servlet API ({@link Scanner}), and the packages the agent
 * never instruments. Start-up cost is mostly Byte Buddy describing classes; these scans are what lets
 * nearly every class load pass without that. {@link LoadedCandidates} uses the same ignored
 * packages for classes loaded before the agent came.
 */
final class ClassFileScan {
    private static final String ANNOTATION_DESCRIPTOR = "L" + OperationNaming.ANNOTATION.replace('.', '/') + ";";
    /**
     * Never instrumented: the agent itself, its shaded libraries, the JDK the hot path uses, and the
     * other Java agents a JVM commonly runs beside this one (OpenTelemetry, Datadog, Elastic APM, New
     * Relic, Glowroot, AppDynamics, Dynatrace, SkyWalking, Pinpoint, async-profiler). Those agents
     * inject their helper classes into the app's class loaders and shade their libraries under their
     * own packages; weaving them measures another agent's work and can fail on classes that only
     * resolve inside that agent's loader.
     */
    private static final String[] IGNORED_PREFIXES = {
        "io/memagent/agent/", "io/memagent/bootstrap/", "io/memagent/shaded/", "io/memagent/api/",
        "java/", "javax/management/", "jdk/", "sun/", "com/sun/",
    };
    private static final String[] OTHER_AGENTS_PREFIXES = {
        "io/opentelemetry/javaagent/", "datadog/", "com/datadog/", "co/elastic/apm/agent/",
        "com/newrelic/", "com/nr/agent/", "com/nr/instrumentation/", "org/glowroot/agent/",
        "com/appdynamics/", "com/singularity/", "com/dynatrace/", "org/apache/skywalking/apm/agent/",
        "com/navercorp/pinpoint/", "one/profiler/",
    };

    /** With memagent.attribute.jdbc: classes that may implement a JDBC statement or connection. */
    private static final String JDBC_MENTION = "java/sql/";
    /**
     * With memagent.attribute.http: classes that may implement the JDK HTTP server's handler, or a servlet or filter
     * of either API.
     */
    private static final String[] HTTP_MENTIONS = {"com/sun/net/httpserver/HttpHandler", "jakarta/servlet/",
        "javax/servlet/"};

    /**
     * With memagent.attribute.http: the framework classes woven by name (internal names): Spring
     * WebFlux's entry, Reactor Netty's handler application, Jersey's resource-method invoker.
     */
    static final java.util.Set<String> FRAMEWORK_CLASSES = java.util.Set.of(
            "org/springframework/web/server/adapter/HttpWebHandlerAdapter",
            "reactor/netty/http/server/HttpServer$HttpServerHandle",
            "org/glassfish/jersey/server/model/ResourceMethodInvoker");

    private ClassFileScan() {
    }

    /** With memagent.attribute.http: one of {@link #FRAMEWORK_CLASSES}, by its internal name. */
    static boolean isHttpFrameworkClass(String internalName) {
        return FRAMEWORK_CLASSES.contains(internalName);
    }

    static boolean ignored(String internalName) {
        return startsWithAny(internalName, IGNORED_PREFIXES) || otherAgents(internalName);
    }

    /** A class of another Java agent: its own, a helper it injects into the app, or one it generates. */
    static boolean otherAgents(String internalName) {
        return startsWithAny(internalName, OTHER_AGENTS_PREFIXES);
    }

    private static boolean startsWithAny(String internalName, String[] prefixes) {
        for (String p : prefixes) {
            if (internalName.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /** What {@link #scanner} looks for: {@code @ProfileMemory}'s descriptor. */
    static final int ANNOTATION = 1;
    /** With memagent.attribute.jdbc: the JDBC API's package. */
    static final int JDBC = 2;
    /** With memagent.attribute.http: the JDK HTTP server's handler, or either servlet API's package. */
    static final int HTTP = 4;

    /**
     * The class filter's reading of a class file ({@link Scanner}): {@code @ProfileMemory}, and with attribution the
     * JDBC and HTTP names.
     */
    static Scanner scanner(boolean jdbc, boolean http) {
        return new Scanner(jdbc, http);
    }

    /**
     * What the class filter reads of each class file, in one walk over its constant pool that compares only the
     * UTF-8 entries of a few lengths, and a byte search of the few classes that pass it:
     * <ul>
     * <li>{@link #ANNOTATION}: an entry is {@code @ProfileMemory}'s descriptor. Every use of an annotation in a
     * class file names its type by such an entry (JVMS 4.7.16), so a class without it has nothing annotated.
     * (Without attribution: the descriptor anywhere in the file, by the byte search; see below.)</li>
     * <li>{@link #JDBC}: a method the class declares is named by an entry that is the name of a JDBC method the agent
     * weaves ({@link AttributionWeaver#JDBC_METHOD_NAMES}), and the class file mentions {@code java/sql/} anywhere.
     * Only for a class whose pool holds such a name does the walk go on past the pool to the method table, and there
     * it reads each method's name index alone.</li>
     * <li>{@link #HTTP}: the same with {@link AttributionWeaver#HTTP_METHOD_NAMES} and the HTTP names.</li>
     * </ul>
     * A class that declares a method to weave has its name in its pool, so these are what the filter needs before ASM
     * reads the method table's access flags and descriptors ({@link AttributionWeaver#declaredKinds}). A class that
     * only calls {@code execute} or {@code doFilter} has the name in its pool too, and no method to weave: of the
     * classes a Spring Boot start loads up to its first request that mention the packages, 55 hold one of the names and
     * 30 declare a method by one (ASM's reading of a method table there, interpreted, 0.1 to 0.7 ms a class). Why not a
     * byte search alone: with attribution its shortest needle is {@code java/sql/}, nine bytes, and class files are
     * full of {@code java/}; over a Spring Boot app's 12,030 class files (45 MB) the search took 60 ms and the pool
     * walk 23 ms, and 1,083 fewer classes went on to have their method table read, none of which declared a method to
     * weave. Where the file is not what the JVM specification describes (a tag this walk does not know, a length past
     * the end), the byte search answers for the whole file. Without attribution there is no walk: the byte search for
     * the annotation's 31-byte descriptor alone moves up to 31 bytes at a time, and in a start, where most of these run
     * before the JIT has compiled either, it took 8 ms of a Spring Boot start's main thread where the walk took 13.
     * Immutable once built.
     */
    static final class Scanner {
        /**
         * The class declares a method by the name of a JDBC method the agent weaves; an HTTP one: bits 8 and 9, so that
         * {@code >> 8} indexes.
         */
        private static final int NAMED_JDBC = 1 << 8;
        private static final int NAMED_HTTP = 1 << 9;
        private final Needles bytes;
        /** With attribution: the pool is walked first. */
        private final boolean walk;
        /**
         * By the kinds of method names the pool holds (1: JDBC's, 2: HTTP's, 3: both), the byte search for those
         * kinds' package names.
         */
        private final Needles[] mentionsByNamed = new Needles[4];
        /** By an entry's length: the entries looked for of that length, each with its bit in {@link #bitByLength}. */
        private final byte[][][] namesByLength;
        private final int[][] bitByLength;

        private Scanner(boolean jdbc, boolean http) {
            java.util.Map<String, Integer> names = new java.util.LinkedHashMap<>();
            names.put(ANNOTATION_DESCRIPTOR, ANNOTATION);
            if (jdbc) {
                for (String name : AttributionWeaver.JDBC_METHOD_NAMES) {
                    names.put(name, names.getOrDefault(name, 0) | NAMED_JDBC);
                }
            }
            if (http) {
                for (String name : AttributionWeaver.HTTP_METHOD_NAMES) {
                    names.put(name, names.getOrDefault(name, 0) | NAMED_HTTP);
                }
            }
            bytes = needles(true, jdbc, http);
            walk = jdbc || http;
            for (int named = 1; named < mentionsByNamed.length; named++) {
                mentionsByNamed[named] = needles(false, jdbc && (named & 1) != 0, http && (named & 2) != 0);
            }
            int longest = 0;
            for (String name : names.keySet()) {
                longest = Math.max(longest, name.length());
            }
            namesByLength = new byte[longest + 1][][];
            bitByLength = new int[longest + 1][];
            for (java.util.Map.Entry<String, Integer> e : names.entrySet()) {
                byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
                int n = name.length;
                byte[][] sameLength = namesByLength[n] == null ? new byte[0][] : namesByLength[n];
                int[] bits = bitByLength[n] == null ? new int[0] : bitByLength[n];
                namesByLength[n] = java.util.Arrays.copyOf(sameLength, sameLength.length + 1);
                namesByLength[n][sameLength.length] = name;
                bitByLength[n] = java.util.Arrays.copyOf(bits, bits.length + 1);
                bitByLength[n][bits.length] = e.getValue();
            }
        }

        /** The byte search for the names asked for (the annotation's descriptor, JDBC's, HTTP's); null for none. */
        private static Needles needles(boolean annotation, boolean jdbc, boolean http) {
            java.util.List<String> texts = new java.util.ArrayList<>();
            java.util.List<Integer> kinds = new java.util.ArrayList<>();
            if (annotation) {
                texts.add(ANNOTATION_DESCRIPTOR);
                kinds.add(ANNOTATION);
            }
            if (jdbc) {
                texts.add(JDBC_MENTION);
                kinds.add(JDBC);
            }
            if (http) {
                for (String mention : HTTP_MENTIONS) {
                    texts.add(mention);
                    kinds.add(HTTP);
                }
            }
            if (texts.isEmpty()) {
                return null;
            }
            int[] bits = new int[kinds.size()];
            for (int k = 0; k < bits.length; k++) {
                bits[k] = kinds.get(k);
            }
            return new Needles(texts.toArray(new String[0]), bits);
        }

        /** The kinds the class file holds ({@link #ANNOTATION}, {@link #JDBC}, {@link #HTTP}, or'ed), 0 for none. */
        int find(byte[] classFile) {
            if (!walk) {
                return bytes.find(classFile); // the annotation alone: see the class comment
            }
            int named = namedInPool(classFile);
            if (named < 0) {
                return bytes.find(classFile);
            }
            int kindsNamed = (named & (NAMED_JDBC | NAMED_HTTP)) >> 8;
            int found = named & ANNOTATION;
            return kindsNamed == 0 ? found : found | mentionsByNamed[kindsNamed].find(classFile);
        }

        /**
         * {@link #ANNOTATION} if the descriptor is an entry of the class file's constant pool, with {@link #NAMED_JDBC}
         * and {@link #NAMED_HTTP} for the woven names that name a method the class declares; -1 where the file is not
         * as this walk expects (the JVM will say what is wrong with it, if anything).
         */
        private int namedInPool(byte[] c) {
            if (c.length < 10 || c[0] != (byte) 0xCA || c[1] != (byte) 0xFE || c[2] != (byte) 0xBA
                    || c[3] != (byte) 0xBE) {
                return -1;
            }
            int count = u2(c, 8);
            int named = 0;
            // The entries naming a method the agent weaves: each its pool index << 2 | its kinds (1: JDBC, 2: HTTP).
            // Made only for the few classes that hold one.
            int[] methodNames = null;
            int methodNameCount = 0;
            int i = 10;
            for (int entry = 1; entry < count; entry++) {
                if (i >= c.length) {
                    return -1;
                }
                switch (c[i]) {
                    case 1: // Utf8: u2 length, then the bytes
                        if (i + 3 > c.length) {
                            return -1;
                        }
                        int length = u2(c, i + 1);
                        int start = i + 3;
                        if (start + length > c.length) {
                            return -1;
                        }
                        if (length < namesByLength.length && namesByLength[length] != null) {
                            int bits = named(c, start, length);
                            named |= bits & ANNOTATION;
                            int kinds = (bits & (NAMED_JDBC | NAMED_HTTP)) >> 8;
                            if (kinds != 0) {
                                if (methodNames == null) {
                                    methodNames = new int[4];
                                } else if (methodNameCount == methodNames.length) {
                                    methodNames = java.util.Arrays.copyOf(methodNames, methodNameCount * 2);
                                }
                                methodNames[methodNameCount++] = entry << 2 | kinds;
                            }
                        }
                        i = start + length;
                        break;
                    case 7: case 8: case 16: case 19: case 20: // Class, String, MethodType, Module, Package
                        i += 3;
                        break;
                    case 15: // MethodHandle
                        i += 4;
                        break;
                    case 3: case 4: case 9: case 10: case 11: case 12: case 17: case 18: // Integer ... InvokeDynamic
                        i += 5;
                        break;
                    case 5: case 6: // Long, Double: two entries
                        i += 9;
                        entry++;
                        break;
                    default:
                        return -1;
                }
            }
            if (methodNameCount == 0) {
                return named;
            }
            int declared = declaredMethodNames(c, i, methodNames, methodNameCount);
            return declared < 0 ? -1 : named | declared << 8;
        }

        /**
         * Which of the pool's method-name entries (from {@link #namedInPool}) name a method the class declares: their
         * kinds or'ed (1: JDBC, 2: HTTP), read from the method table (JVMS 4.1: after the pool come the access flags,
         * this and super class, the interfaces, the fields, then the methods, each a name index); -1 where the file
         * is cut short. A class that only calls {@code execute} or {@code doFilter} has the name in its pool but
         * nothing to weave.
         */
        private static int declaredMethodNames(byte[] c, int afterPool, int[] methodNames, int count) {
            int at = afterPool + 6;
            if (at + 2 > c.length) {
                return -1;
            }
            at = skipMembers(c, at + 2 + 2 * u2(c, at)); // the fields, after the interfaces
            if (at < 0 || at + 2 > c.length) {
                return -1;
            }
            int methods = u2(c, at);
            at += 2;
            int declared = 0;
            for (int m = 0; m < methods; m++) {
                if (at + 8 > c.length) {
                    return -1;
                }
                int nameIndex = u2(c, at + 2);
                for (int k = 0; k < count; k++) {
                    if (methodNames[k] >>> 2 == nameIndex) {
                        declared |= methodNames[k] & 3;
                    }
                }
                at = skipAttributes(c, at + 6);
                if (at < 0) {
                    return -1;
                }
            }
            return declared;
        }

        /** Past a field or method table (its count, then each member's 6 bytes and attributes); -1 if cut short. */
        private static int skipMembers(byte[] c, int at) {
            if (at + 2 > c.length) {
                return -1;
            }
            int members = u2(c, at);
            at += 2;
            for (int m = 0; m < members && at >= 0; m++) {
                at = skipAttributes(c, at + 6);
            }
            return at;
        }

        /** Past an attribute table (its count, then each name index, u4 length and bytes); -1 if cut short. */
        private static int skipAttributes(byte[] c, int at) {
            if (at + 2 > c.length) {
                return -1;
            }
            int attributes = u2(c, at);
            at += 2;
            for (int a = 0; a < attributes; a++) {
                if (at + 6 > c.length) {
                    return -1;
                }
                long next = at + 6L + ((long) u2(c, at + 2) << 16 | u2(c, at + 4)); // u4 attribute_length
                if (next > c.length) {
                    return -1;
                }
                at = (int) next;
            }
            return at;
        }

        private int named(byte[] c, int start, int length) {
            byte[][] candidates = namesByLength[length];
            int bits = 0;
            for (int k = 0; k < candidates.length; k++) {
                byte[] name = candidates[k];
                int j = 0;
                while (j < length && c[start + j] == name[j]) {
                    j++;
                }
                if (j == length) {
                    bits |= bitByLength[length][k];
                }
            }
            return bits;
        }

        private static int u2(byte[] c, int at) {
            return (c[at] & 0xff) << 8 | c[at + 1] & 0xff;
        }
    }
}
