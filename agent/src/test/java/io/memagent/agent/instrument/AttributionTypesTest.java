package io.memagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.InputStream;
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

    private int kinds(String internalName) throws IOException {
        try (InputStream in = loader.getResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IOException(internalName + " not found");
            }
            return types.kinds(loader, in.readAllBytes());
        }
    }
}
