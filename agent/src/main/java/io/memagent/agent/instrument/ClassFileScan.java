package io.memagent.agent.instrument;

import java.nio.charset.StandardCharsets;

/**
 * The pre-filter's reading of a class before anything parses it: one byte search of the raw
 * class file for the names its constant pool would hold ({@code @ProfileMemory}'s descriptor, the
 * JDBC package, the JDK HTTP server's handler, either servlet API), and the packages the agent never
 * instruments. Start-up cost is mostly Byte Buddy describing classes; these scans are what lets
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
     * The one pass over a class file that the class filter makes: {@code @ProfileMemory}'s descriptor, and with
     * attribution the JDBC and HTTP names, all at once: searched one by one they took about 0.1 s of a Spring Boot
     * start's main thread with attribution, and one pass is about 30% faster.
     */
    static Needles scanner(boolean jdbc, boolean http) {
        java.util.List<String> texts = new java.util.ArrayList<>();
        java.util.List<Integer> kinds = new java.util.ArrayList<>();
        texts.add(ANNOTATION_DESCRIPTOR);
        kinds.add(ANNOTATION);
        if (jdbc) {
            texts.add(JDBC_MENTION);
            kinds.add(JDBC);
        }
        if (http) {
            for (String t : HTTP_MENTIONS) {
                texts.add(t);
                kinds.add(HTTP);
            }
        }
        int[] bits = new int[kinds.size()];
        for (int k = 0; k < bits.length; k++) {
            bits[k] = kinds.get(k);
        }
        return new Needles(texts.toArray(new String[0]), bits);
    }

    /**
     * Several needles found in one pass: Horspool's search over a window as long as the shortest needle (the set
     * variant): at each position the window's last byte names the needles that may end there, each is compared
     * whole, and the window moves on by the least shift any needle's first bytes allow. Immutable once built.
     */
    static final class Needles {
        private final byte[][] patterns;
        private final int[] kinds;
        private final int all;
        private final int window;
        private final int[] skip = new int[256];
        /** By a byte's value: bit k set when needle k has that byte at window - 1. */
        private final long[] endingWith = new long[256];

        /** @param kinds per needle, the bit {@link #find} reports when it is there */
        Needles(String[] texts, int[] kinds) {
            if (texts.length == 0 || texts.length > 64 || texts.length != kinds.length) {
                throw new IllegalArgumentException("1 to 64 needles, each with its kind");
            }
            patterns = new byte[texts.length][];
            int min = Integer.MAX_VALUE;
            int any = 0;
            for (int k = 0; k < texts.length; k++) {
                patterns[k] = texts[k].getBytes(StandardCharsets.UTF_8);
                if (patterns[k].length == 0) {
                    throw new IllegalArgumentException("an empty needle");
                }
                min = Math.min(min, patterns[k].length);
                any |= kinds[k];
            }
            this.kinds = kinds.clone();
            all = any;
            window = min;
            java.util.Arrays.fill(skip, window);
            for (int k = 0; k < patterns.length; k++) {
                byte[] p = patterns[k];
                for (int j = 0; j < window - 1; j++) {
                    skip[p[j] & 0xff] = Math.min(skip[p[j] & 0xff], window - 1 - j);
                }
                endingWith[p[window - 1] & 0xff] |= 1L << k;
            }
        }

        /** The kinds of the needles the class file holds anywhere (their bits or'ed), 0 for none. */
        int find(byte[] classFile) {
            int found = 0;
            int last = window - 1;
            int end = classFile.length - window;
            int i = 0;
            while (i <= end) {
                int b = classFile[i + last] & 0xff;
                long candidates = endingWith[b];
                while (candidates != 0) {
                    int k = Long.numberOfTrailingZeros(candidates);
                    candidates &= candidates - 1;
                    if ((found & kinds[k]) == 0 && at(classFile, i, patterns[k])) {
                        found |= kinds[k];
                        if (found == all) {
                            return found;
                        }
                    }
                }
                i += skip[b];
            }
            return found;
        }

        private static boolean at(byte[] classFile, int from, byte[] p) {
            if (from + p.length > classFile.length) {
                return false;
            }
            for (int j = p.length - 1; j >= 0; j--) {
                if (classFile[from + j] != p[j]) {
                    return false;
                }
            }
            return true;
        }
    }
}
