package io.memagent.agent.instrument;

import net.bytebuddy.jar.asm.AnnotationVisitor;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/** The class files of this JVM's class path, jars and directories, for tests that check a property on real ones. */
final class TestClassPath {
    private TestClassPath() {
    }

    /** One class file of the class path, by its internal name. */
    static byte[] classFile(String internalName) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(internalName + ".class")) {
            if (in == null) {
                throw new IOException(internalName + " not found");
            }
            return in.readAllBytes();
        }
    }

    /** Each class file (not module-info, not a multi-release jar's other versions) with its path in its jar. */
    static void forEachClassFile(BiConsumer<String, byte[]> action) throws IOException {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                try (Stream<Path> files = Files.walk(path)) {
                    for (Path p : (Iterable<Path>) files::iterator) {
                        if (isClassFile(path.relativize(p).toString())) {
                            action.accept(p.toString(), Files.readAllBytes(p));
                        }
                    }
                }
            } else if (entry.endsWith(".jar") && Files.isRegularFile(path)) {
                try (ZipFile jar = new ZipFile(path.toFile())) {
                    for (Enumeration<? extends ZipEntry> e = jar.entries(); e.hasMoreElements(); ) {
                        ZipEntry z = e.nextElement();
                        if (isClassFile(z.getName())) {
                            try (InputStream in = jar.getInputStream(z)) {
                                action.accept(entry + "!" + z.getName(), in.readAllBytes());
                            } catch (IOException x) {
                                throw new UncheckedIOException(x);
                            }
                        }
                    }
                }
            }
        }
    }

    private static boolean isClassFile(String name) {
        return name.endsWith(".class") && !name.endsWith("module-info.class") && !name.startsWith("META-INF/");
    }

    /** Whether the class or one of its methods carries the annotation of this descriptor. */
    static boolean annotated(byte[] classFile, String descriptor) {
        boolean[] found = {false};
        new ClassReader(classFile).accept(new ClassVisitor(Opcodes.ASM9) {
            @Override
            public AnnotationVisitor visitAnnotation(String desc, boolean visible) {
                found[0] |= desc.equals(descriptor);
                return null;
            }

            @Override
            public MethodVisitor visitMethod(int access, String name, String desc, String signature,
                                             String[] exceptions) {
                return new MethodVisitor(Opcodes.ASM9) {
                    @Override
                    public AnnotationVisitor visitAnnotation(String d, boolean visible) {
                        found[0] |= d.equals(descriptor);
                        return null;
                    }
                };
            }
        }, ClassReader.SKIP_CODE);
        return found[0];
    }
}
