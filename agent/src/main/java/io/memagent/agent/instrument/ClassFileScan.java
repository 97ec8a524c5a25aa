package io.memagent.agent.instrument;

import java.nio.charset.StandardCharsets;

/**
 * The pre-filter's reading of a class before anything parses it: a plain byte search of the raw
 * class file for the names its constant pool would hold ({@code @ProfileMemory}'s descriptor, the
 * JDBC package, the JDK HTTP server's handler, either servlet API), and the packages the agent never
 * instruments. Start-up cost is mostly Byte Buddy describing classes; these scans are what lets
 * nearly every class load pass without that. {@link LoadedCandidates} uses the same ignored
 * packages for classes loaded before the agent came.
 */
final class ClassFileScan {
    private static final Needle ANNOTATION_DESCRIPTOR =
            new Needle("L" + OperationNaming.ANNOTATION.replace('.', '/') + ";");
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
    private static final Needle JDBC_MENTION = new Needle("java/sql/");
    /** With memagent.attribute.http: classes that may implement the JDK HTTP server's handler. */
    private static final Needle HTTP_MENTION = new Needle("com/sun/net/httpserver/HttpHandler");
    /** With memagent.attribute.http: classes that may implement a servlet or filter of either API. */
    private static final Needle JAKARTA_SERVLET_MENTION = new Needle("jakarta/servlet/");
    private static final Needle JAVAX_SERVLET_MENTION = new Needle("javax/servlet/");

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

    static boolean mentionsAnnotation(byte[] classFile) {
        return mentions(classFile, ANNOTATION_DESCRIPTOR);
    }

    /** Anything of the JDBC API's package: a statement, a connection, or a class using them. */
    static boolean mentionsJdbcType(byte[] classFile) {
        return mentions(classFile, JDBC_MENTION);
    }

    /** A JDK HTTP server handler, or anything of either servlet API (a servlet, a filter, a container). */
    static boolean mentionsHttpType(byte[] classFile) {
        return mentions(classFile, HTTP_MENTION) || mentions(classFile, JAKARTA_SERVLET_MENTION)
                || mentions(classFile, JAVAX_SERVLET_MENTION);
    }

    /**
     * Whether the class file holds the needle's bytes anywhere. Every class the JVM loads passes here (10,000 and
     * more in a Spring Boot app), so it skips ahead as Horspool's search does: at each position it compares the
     * needle's last byte, and moves on by how far that byte of the class file is from the needle's end.
     */
    static boolean mentions(byte[] classFile, Needle needle) {
        byte[] p = needle.bytes;
        int last = p.length - 1;
        byte lastByte = p[last];
        int[] skip = needle.skip;
        int end = classFile.length - p.length;
        int i = 0;
        while (i <= end) {
            byte b = classFile[i + last];
            if (b == lastByte) {
                int j = last - 1;
                while (j >= 0 && classFile[i + j] == p[j]) {
                    j--;
                }
                if (j < 0) {
                    return true;
                }
            }
            i += skip[b & 0xff];
        }
        return false;
    }

    /** Bytes searched for in class files, with the shift table of {@link #mentions}. */
    static final class Needle {
        final byte[] bytes;
        /** By a byte's value: how far its last place in the needle (the last byte itself left out) is from the end. */
        final int[] skip = new int[256];

        Needle(String text) {
            bytes = text.getBytes(StandardCharsets.UTF_8);
            java.util.Arrays.fill(skip, bytes.length);
            for (int i = 0; i < bytes.length - 1; i++) {
                skip[bytes[i] & 0xff] = bytes.length - 1 - i;
            }
        }
    }
}
