package io.memagent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Java agent that does nothing: what {@code -javaagent} costs a JVM before any agent's code runs (the JVM loads
 * {@code java.instrument} and its native library, and with that module added to the boot layer class-data sharing
 * starts without its archived module graph). The start-up benchmarks run it as a side of their own, so the figure an
 * agent can be held to is the one over this floor.
 */
public final class NoOpAgent {
    private NoOpAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        // nothing: the cost measured is the JVM's
    }

    /** Writes the jar ({@link #writeJar}) and prints its path: for the shell benchmarks. */
    public static void main(String[] args) throws IOException {
        System.out.println(writeJar(false));
    }

    /**
     * Writes a jar holding only this class, its manifest naming it {@code Premain-Class}, to a temporary file (deleted
     * when this JVM exits, if asked); returns its path.
     */
    static Path writeJar(boolean deleteOnExit) throws IOException {
        Path jar = Files.createTempFile("memagent-noop-agent", ".jar");
        if (deleteOnExit) {
            jar.toFile().deleteOnExit();
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", NoOpAgent.class.getName());
        String entry = NoOpAgent.class.getName().replace('.', '/') + ".class";
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest);
             InputStream in = NoOpAgent.class.getClassLoader().getResourceAsStream(entry)) {
            if (in == null) {
                throw new IOException("no " + entry + " on the class path");
            }
            out.putNextEntry(new JarEntry(entry));
            in.transferTo(out);
            out.closeEntry();
        }
        return jar;
    }
}
