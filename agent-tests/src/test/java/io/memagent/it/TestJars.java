package io.memagent.it;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/** Jars made at test time from class directories (a module path, an AOT cache: both take jars only). */
final class TestJars {
    private TestJars() {
    }

    /** Adds every file under {@code root} whose entry name ({@code a/b/C.class}) {@code wanted} accepts. */
    static void addFiles(JarOutputStream out, Path root, Predicate<String> wanted) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = root.relativize(f).toString().replace(File.separatorChar, '/');
                if (wanted.test(name)) {
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(f, out);
                    out.closeEntry();
                }
            }
        }
    }
}
