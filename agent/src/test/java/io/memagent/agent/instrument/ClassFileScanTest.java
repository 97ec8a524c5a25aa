package io.memagent.agent.instrument;

import static io.memagent.agent.instrument.TestClassPath.classFile;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The pre-filter's one-pass search for several needles finds exactly what a plain scan for each finds; the filter's
 * scanner, which walks the constant pool first, keeps every class the byte search would have kept that has something
 * to weave.
 */
class ClassFileScanTest {
    /** The byte search for all the filter's needles, which the scanner is held to. */
    private static final Needles BYTES = new Needles(new String[] {
        "Lio/memagent/api/ProfileMemory;", "java/sql/", "com/sun/net/httpserver/HttpHandler", "jakarta/servlet/",
        "javax/servlet/"}, new int[] {ClassFileScan.ANNOTATION, ClassFileScan.JDBC, ClassFileScan.HTTP,
            ClassFileScan.HTTP, ClassFileScan.HTTP});

    @Test
    void findsEachNeedleWhereverItIsAndNothingElse() {
        Needles needles = new Needles(new String[] {"java/sql/", "jakarta/servlet/"}, new int[] {1, 2});
        assertEquals(1, needles.find(bytes("java/sql/")));
        assertEquals(1, needles.find(bytes("xjava/sql/")));
        assertEquals(1, needles.find(bytes("java/sql/x")));
        assertEquals(1, needles.find(bytes("java/sqjava/sql/Connection")));
        assertEquals(3, needles.find(bytes("(Ljava/sql/Connection;Ljakarta/servlet/Filter;)V")));
        assertEquals(2, needles.find(bytes("jakarta/servlet/")));
        assertEquals(0, needles.find(bytes("jakarta/servlet")));
        assertEquals(0, needles.find(bytes("java/sql")));
        assertEquals(0, needles.find(bytes("java/sqL/")));
        assertEquals(0, needles.find(bytes("")));
        assertEquals(0, needles.find(bytes("javax/sql/")));
    }

    @Test
    void agreesWithAPlainScanOnRandomBytes() {
        Random random = new Random(28);
        String[][] sets = {{"java/sql/"}, {"Lio/memagent/api/ProfileMemory;", "java/sql/", "javax/servlet/"},
            {"aa", "aba", "x"}, {"javax/servlet/", "java/sql/", "jakarta/servlet/", "a"}, {"x", "xx", "xxx"}};
        for (int round = 0; round < 20_000; round++) {
            String[] texts = sets[round % sets.length];
            int[] kinds = new int[texts.length];
            for (int k = 0; k < kinds.length; k++) {
                kinds[k] = 1 << (k % 3); // two needles may share a kind, as the HTTP ones do
            }
            Needles needles = new Needles(texts, kinds);
            byte[] hay = new byte[random.nextInt(80)];
            for (int i = 0; i < hay.length; i++) { // few distinct bytes, so near misses are common
                hay[i] = (byte) "java/sqlLioxbx;".charAt(random.nextInt(15));
            }
            for (String text : texts) {
                byte[] needle = bytes(text);
                if (random.nextInt(4) == 0 && hay.length >= needle.length) {
                    System.arraycopy(needle, 0, hay, random.nextInt(hay.length - needle.length + 1), needle.length);
                }
            }
            assertEquals(plain(hay, texts, kinds), needles.find(hay), String.join(",", texts) + " in "
                    + new String(hay, StandardCharsets.ISO_8859_1));
        }
    }

    /** The filter's own scanner on real class files: the annotation, JDBC and both servlet APIs, and none. */
    @Test
    void theFiltersScannerOnRealClassFiles() throws IOException {
        ClassFileScan.Scanner all = ClassFileScan.scanner(true, true);
        ClassFileScan.Scanner annotationOnly = ClassFileScan.scanner(false, false);
        assertEquals(ClassFileScan.ANNOTATION, all.find(classFile("io/memagent/agent/instrument/woven/Shapes")));
        assertEquals(ClassFileScan.JDBC, all.find(classFile("org/postgresql/jdbc/PgStatement")));
        assertEquals(0, annotationOnly.find(classFile("org/postgresql/jdbc/PgStatement")));
        assertEquals(ClassFileScan.HTTP, all.find(classFile("jakarta/servlet/http/HttpServlet")));
        assertEquals(ClassFileScan.HTTP, all.find(classFile("javax/servlet/GenericServlet")));
        assertEquals(ClassFileScan.ANNOTATION | ClassFileScan.HTTP, // its JDBC methods take no java.sql type
                all.find(classFile("io/memagent/agent/instrument/TransformerProbe")));
        assertEquals(0, all.find(classFile("java/lang/String")));
    }

    /**
     * Over every class file of this test's class path (the agent's libraries, pgjdbc, both servlet APIs, JUnit, ...):
     * what the scanner finds is what the byte search for all its needles finds, less only classes with nothing to
     * weave: no method the JDBC or HTTP advice takes ({@link AttributionWeaver#declaredKinds}), no
     * {@code @ProfileMemory} anywhere.
     */
    @Test
    void theScannerDropsOnlyClassesWithNothingToWeave() throws IOException {
        ClassFileScan.Scanner scanner = ClassFileScan.scanner(true, true);
        int[] classes = {0};
        int[] kept = {0};
        int[] dropped = {0};
        TestClassPath.forEachClassFile((name, classFile) -> {
            int byBytes = BYTES.find(classFile);
            int byScanner = scanner.find(classFile);
            classes[0]++;
            assertEquals(0, byScanner & ~byBytes, name + ": found what the byte search does not");
            int lost = byBytes & ~byScanner;
            if (lost != 0) {
                dropped[0]++;
            } else if (byBytes != 0) {
                kept[0]++;
            }
            if ((lost & ClassFileScan.JDBC) != 0) {
                assertEquals(0, AttributionWeaver.declaredKinds(classFile, AttributionTypes.JDBC), name);
            }
            if ((lost & ClassFileScan.HTTP) != 0) {
                assertEquals(0, AttributionWeaver.declaredKinds(classFile, AttributionTypes.HTTP), name);
            }
            if ((lost & ClassFileScan.ANNOTATION) != 0) {
                assertFalse(TestClassPath.annotated(classFile, "Lio/memagent/api/ProfileMemory;"), name);
            }
        });
        String counts = classes[0] + " classes, " + kept[0] + " kept, " + dropped[0] + " dropped";
        assertTrue(classes[0] > 10_000 && kept[0] > 50 && dropped[0] > 100, counts); // tried on real cases
    }

    /**
     * Over the same class files: a class kept for JDBC or HTTP declares a method by one of the names woven for it
     * (read here with ASM), so the filter reads no method table of a class that only calls such a method; and a class
     * that does declare one, and mentions the package, is kept.
     */
    @Test
    void keepsOnlyClassesThatDeclareAMethodByAWovenName() throws IOException {
        ClassFileScan.Scanner scanner = ClassFileScan.scanner(true, true);
        int[] counts = new int[2]; // kept for JDBC or HTTP; naming only a called method, dropped
        TestClassPath.forEachClassFile((name, classFile) -> {
            int found = scanner.find(classFile);
            int mentioned = BYTES.find(classFile);
            for (int kind : new int[] {ClassFileScan.JDBC, ClassFileScan.HTTP}) {
                java.util.Set<String> woven = kind == ClassFileScan.JDBC ? AttributionWeaver.JDBC_METHOD_NAMES
                        : AttributionWeaver.HTTP_METHOD_NAMES;
                boolean declares = declaresMethodNamed(classFile, woven);
                if ((found & kind) != 0) {
                    counts[0]++;
                    assertTrue(declares, name + " kept for " + kind + " declares no method by those names");
                } else if (declares && (mentioned & kind) != 0) {
                    throw new AssertionError(name + " declares a method by a woven name, mentions " + kind
                            + ", and was dropped");
                }
                if (!declares && (mentioned & kind) != 0 && inPool(classFile, woven)) {
                    counts[1]++;
                }
            }
        });
        // tried on real cases: pgjdbc's and the servlet APIs' own classes that call execute or doFilter
        assertTrue(counts[0] > 40 && counts[1] > 40, java.util.Arrays.toString(counts));
        // PgDatabaseMetaData calls executeQuery on statements of its own and declares none of the JDBC names
        byte[] metaData = classFile("org/postgresql/jdbc/PgDatabaseMetaData");
        assertTrue(inPool(metaData, AttributionWeaver.JDBC_METHOD_NAMES));
        assertEquals(0, scanner.find(metaData) & ClassFileScan.JDBC);
    }

    private static boolean declaresMethodNamed(byte[] classFile, java.util.Set<String> names) {
        boolean[] declares = {false};
        new net.bytebuddy.jar.asm.ClassReader(classFile).accept(new net.bytebuddy.jar.asm.ClassVisitor(
                net.bytebuddy.jar.asm.Opcodes.ASM9) {
            @Override
            public net.bytebuddy.jar.asm.MethodVisitor visitMethod(int access, String name, String desc,
                                                                  String signature, String[] exceptions) {
                declares[0] |= names.contains(name);
                return null;
            }
        }, net.bytebuddy.jar.asm.ClassReader.SKIP_CODE);
        return declares[0];
    }

    private static boolean inPool(byte[] classFile, java.util.Set<String> names) {
        net.bytebuddy.jar.asm.ClassReader reader = new net.bytebuddy.jar.asm.ClassReader(classFile);
        for (int i = 1; i < reader.getItemCount(); i++) {
            int at = reader.getItem(i); // just past the entry's tag; 0 for the second slot of a long or double
            if (at > 0 && classFile[at - 1] == 1 && names.contains(new String(classFile, at + 2,
                    reader.readUnsignedShort(at), StandardCharsets.UTF_8))) {
                return true;
            }
        }
        return false;
    }

    /** A pool this walk does not know (a tag past the specification's, a file cut short): the byte search answers. */
    @Test
    void aConstantPoolItCannotWalkIsSearchedByteByByte() throws IOException {
        ClassFileScan.Scanner scanner = ClassFileScan.scanner(true, true);
        byte[] statement = classFile("org/postgresql/jdbc/PgStatement");
        byte[] unknownTag = statement.clone();
        unknownTag[10] = 99; // the first entry's tag
        assertEquals(ClassFileScan.JDBC, scanner.find(unknownTag));
        for (int length : new int[] {0, 9, 200, statement.length / 2}) {
            byte[] cut = java.util.Arrays.copyOf(statement, length);
            assertEquals(BYTES.find(cut), scanner.find(cut), "cut to " + length + " bytes");
        }
        byte[] shapes = classFile("io/memagent/agent/instrument/woven/Shapes");
        assertEquals(ClassFileScan.ANNOTATION, scanner.find(java.util.Arrays.copyOf(shapes, shapes.length + 1)));
    }

    private static int plain(byte[] hay, String[] texts, int[] kinds) {
        int found = 0;
        for (int k = 0; k < texts.length; k++) {
            byte[] needle = bytes(texts[k]);
            outer:
            for (int i = 0; i + needle.length <= hay.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (hay[i + j] != needle[j]) {
                        continue outer;
                    }
                }
                found |= kinds[k];
                break;
            }
        }
        return found;
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
