package io.memagent.agent.instrument;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import net.bytebuddy.jar.asm.ClassReader;
import io.memagent.bootstrap.HotPath;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.Handle;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

/**
 * The boot classes the advice runs inside an app's profiled call use string constants only in their
 * static initializers. When a C2 compile of a method is requested, HotSpot first resolves the unresolved
 * string constants of its class on the requesting thread, a String and its byte[] each; the request
 * comes at the method's entry, so for a boot class's method inside an app's call, those bytes would be
 * counted in that call (a 50-character message in {@code Carriers} made a {@code new byte[1000]} call on
 * a virtual thread read 1,112 bytes, once per JVM). A constant used in a static initializer is resolved
 * when the class initializes, in {@code premain}'s warm-up, before any call. The empty string is
 * exempt: the JDK interns it at start, so resolving it creates nothing.
 */
class BootStringConstantsTest {
    private static final Path SOURCES = Path.of("../agent-bootstrap/src/main/java/io/memagent/bootstrap");

    @Test
    void bootClassesUseStringConstantsOnlyInStaticInitializers() throws IOException {
        List<String> found = new ArrayList<>();
        int classes = 0;
        try (Stream<Path> files = Files.list(SOURCES)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                classes++;
                String name = f.getFileName().toString().replace(".java", "");
                try (InputStream in = HotPath.class.getResourceAsStream(name + ".class")) {
                    new ClassReader(in).accept(new ClassVisitor(Opcodes.ASM9) {
                        @Override
                        public MethodVisitor visitMethod(int access, String method, String descriptor, String signature,
                                                         String[] exceptions) {
                            if (method.equals("<clinit>")) {
                                return null;
                            }
                            return new MethodVisitor(Opcodes.ASM9) {
                                @Override
                                public void visitLdcInsn(Object value) {
                                    // "" is exempt: interned at start
                                    if (value instanceof String && !((String) value).isEmpty()) {
                                        found.add(name + "." + method + ": \"" + value + "\"");
                                    }
                                }

                                @Override
                                public void visitInvokeDynamicInsn(String n, String d, Handle bsm, Object... args) {
                                    for (Object a : args) {
                                        if (a instanceof String) {
                                            found.add(name + "." + method + ": \"" + a + "\" (string concatenation)");
                                        }
                                    }
                                }
                            };
                        }
                    }, ClassReader.SKIP_DEBUG);
                }
            }
        }
        assertTrue(classes >= 20, "boot classes found in " + SOURCES.toAbsolutePath());
        assertEquals(List.of(), found, "string constants outside static initializers");
    }
}
