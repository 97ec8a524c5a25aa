package io.memagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.bytebuddy.jar.asm.ClassWriter;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * Which classes the JDBC and HTTP advice may apply to, decided from class files: implementations of the JDBC
 * statement and connection (pgjdbc's) and of either servlet API's servlet and filter, not interfaces, not other
 * classes; a class whose supertype has no class file is left to Byte Buddy. (The servlet APIs and pgjdbc are on this
 * test's class path only because the agent module has them.)
 */
class AttributionTypesTest {
    private final AttributionTypes types = new AttributionTypes();
    private final ClassLoader loader = AttributionTypesTest.class.getClassLoader();

    @Test
    void jdbcImplementationsThroughTheirSuperclassesAndInterfaces() throws IOException {
        assertEquals(AttributionTypes.STATEMENT, kinds("org/postgresql/jdbc/PgStatement"));
        assertEquals(AttributionTypes.STATEMENT, kinds("org/postgresql/jdbc/PgPreparedStatement"));
        assertEquals(AttributionTypes.STATEMENT, kinds("org/postgresql/jdbc/PgCallableStatement"));
        assertEquals(AttributionTypes.CONNECTION, kinds("org/postgresql/jdbc/PgConnection"));
    }

    @Test
    void servletsAndFiltersOfBothApis() throws IOException {
        assertEquals(AttributionTypes.JAKARTA_SERVLET, kinds("jakarta/servlet/http/HttpServlet"));
        assertEquals(AttributionTypes.JAKARTA_FILTER, kinds("jakarta/servlet/GenericFilter"));
        assertEquals(AttributionTypes.JAVAX_SERVLET, kinds("javax/servlet/http/HttpServlet"));
        assertEquals(AttributionTypes.JAVAX_SERVLET, kinds("javax/servlet/GenericServlet"));
    }

    @Test
    void interfacesAndOtherClassesAreNone() throws IOException {
        assertEquals(0, kinds("java/sql/PreparedStatement"));
        assertEquals(0, kinds("jakarta/servlet/http/HttpServletRequest"));
        assertEquals(0, kinds("org/postgresql/Driver"));
        assertEquals(0, kinds("org/postgresql/jdbc/PgResultSet"));
        assertEquals(0, kinds("java/lang/String"));
    }

    @Test
    void aSupertypeWithoutAClassFileLeavesTheClassToByteBuddy() {
        ClassWriter w = new ClassWriter(0);
        w.visit(Opcodes.V17, Opcodes.ACC_PUBLIC, "example/Generated", null, "example/NoSuchSuperclass",
                new String[] {"java/sql/Wrapper"});
        w.visitEnd();
        assertEquals(AttributionTypes.UNKNOWN, types.kinds(loader, w.toByteArray()));
    }

    @Test
    void onlyTheKindsAskedForAreLookedForAndTheWalkStopsOnceTheyAreFound() throws IOException {
        ReadCounting all = new ReadCounting(Map.of());
        assertEquals(AttributionTypes.JAKARTA_SERVLET, new AttributionTypes().kinds(all,
                classFile("jakarta/servlet/http/HttpServlet"), AttributionTypes.JDBC | AttributionTypes.HTTP));
        assertEquals(List.of("jakarta/servlet/GenericServlet.class", "jakarta/servlet/ServletConfig.class"), all.read);

        // GenericServlet lists Servlet before ServletConfig: asked for a servlet, ServletConfig is not read.
        ReadCounting servlet = new ReadCounting(Map.of());
        assertEquals(AttributionTypes.JAKARTA_SERVLET, new AttributionTypes().kinds(servlet,
                classFile("jakarta/servlet/http/HttpServlet"), AttributionTypes.JAKARTA_SERVLET));
        assertEquals(List.of("jakarta/servlet/GenericServlet.class"), servlet.read);
    }

    @Test
    void aSupertypeResolvedInPartIsReadAgainWhenAskedForAKindItDoesNotHold() {
        // Base implements Filter, then Marker (a Servlet); A and B extend Base.
        ReadCounting loader = new ReadCounting(Map.of(
                "example/Base", header(Opcodes.ACC_PUBLIC, "example/Base", "java/lang/Object",
                        "jakarta/servlet/Filter", "example/Marker"),
                "example/Marker", header(Opcodes.ACC_PUBLIC | Opcodes.ACC_INTERFACE | Opcodes.ACC_ABSTRACT,
                        "example/Marker", "java/lang/Object", "jakarta/servlet/Servlet")));
        AttributionTypes types = new AttributionTypes();
        byte[] a = header(Opcodes.ACC_PUBLIC, "example/A", "example/Base");
        byte[] b = header(Opcodes.ACC_PUBLIC, "example/B", "example/Base");

        assertEquals(AttributionTypes.JAKARTA_FILTER, types.kinds(loader, a, AttributionTypes.JAKARTA_FILTER));
        assertEquals(List.of("example/Base.class"), loader.read, "Marker is not read: a filter was asked for");
        assertEquals(AttributionTypes.JAKARTA_FILTER, types.kinds(loader, b, AttributionTypes.JAKARTA_FILTER));
        assertEquals(List.of("example/Base.class"), loader.read, "Base's partial entry holds a filter");
        assertEquals(AttributionTypes.JAKARTA_SERVLET, types.kinds(loader, b, AttributionTypes.JAKARTA_SERVLET));
        assertEquals(List.of("example/Base.class", "example/Base.class", "example/Marker.class"), loader.read);
        assertEquals(AttributionTypes.JAKARTA_SERVLET | AttributionTypes.JAKARTA_FILTER,
                types.kinds(loader, a, AttributionTypes.JAKARTA_SERVLET | AttributionTypes.JAKARTA_FILTER));
        assertEquals(3, loader.read.size(), "Base's entry is complete now");
    }

    @Test
    void theJdksStatementsAndOtherJdbcTypesAreKnownWithoutReadingThem() {
        ReadCounting loader = new ReadCounting(Map.of());
        byte[] statement = header(Opcodes.ACC_PUBLIC, "example/Prepared", "java/lang/Object",
                "java/sql/PreparedStatement", "java/sql/Wrapper");
        assertEquals(AttributionTypes.STATEMENT, new AttributionTypes().kinds(loader, statement));
        byte[] call = header(Opcodes.ACC_PUBLIC, "example/Call", "java/lang/Object", "java/sql/CallableStatement");
        assertEquals(AttributionTypes.STATEMENT, new AttributionTypes().kinds(loader, call));
        byte[] resultSet = header(Opcodes.ACC_PUBLIC, "example/Rows", "java/lang/Object", "java/sql/ResultSet");
        assertEquals(0, new AttributionTypes().kinds(loader, resultSet));
        assertEquals(List.of(), loader.read);
    }

    @Test
    void anUnreadableSupertypeMattersOnlyWhileAKindAskedForIsNotFound() {
        ReadCounting loader = new ReadCounting(Map.of());
        byte[] filter = header(Opcodes.ACC_PUBLIC, "example/Filtering", "example/NoSuchSuperclass",
                "jakarta/servlet/Filter");
        assertEquals(AttributionTypes.JAKARTA_FILTER, types.kinds(loader, filter, AttributionTypes.JAKARTA_FILTER));
        assertEquals(AttributionTypes.JAKARTA_FILTER | AttributionTypes.UNKNOWN, types.kinds(loader, filter,
                AttributionTypes.JAKARTA_FILTER | AttributionTypes.JAKARTA_SERVLET));
    }

    /** A class file with a header and nothing else. */
    private static byte[] header(int access, String name, String superName, String... interfaces) {
        ClassWriter w = new ClassWriter(0);
        w.visit(Opcodes.V17, access, name, null, superName, interfaces);
        w.visitEnd();
        return w.toByteArray();
    }

    private byte[] classFile(String internalName) throws IOException {
        try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IOException(internalName + " not found");
            }
            return in.readAllBytes();
        }
    }

    /** Serves the given class files, the rest from the test's loader, and lists every class file asked for. */
    private static final class ReadCounting extends ClassLoader {
        final List<String> read = new ArrayList<>();
        private final Map<String, byte[]> classFiles;

        ReadCounting(Map<String, byte[]> classFiles) {
            super(AttributionTypesTest.class.getClassLoader());
            this.classFiles = new HashMap<>(classFiles);
        }

        @Override
        public InputStream getResourceAsStream(String name) {
            read.add(name);
            byte[] b = classFiles.get(name.substring(0, name.length() - ".class".length()));
            return b != null ? new ByteArrayInputStream(b) : super.getResourceAsStream(name);
        }
    }

    private int kinds(String internalName) throws IOException {
        try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IOException(internalName + " not found");
            }
            return types.kinds(loader, in.readAllBytes());
        }
    }
}
