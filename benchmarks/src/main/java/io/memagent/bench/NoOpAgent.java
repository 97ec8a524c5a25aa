package io.memagent.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.ProtectionDomain;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A Java agent that does nothing: what {@code -javaagent} costs a JVM before any agent's code runs (the JVM loads
 * {@code java.instrument} and its native library, and with that module added to the boot layer class-data sharing
 * starts without its archived module graph). The start-up benchmarks run it as a side of their own, so the figure an
 * agent can be held to is the one over this floor.
 *
 * <p>With the agent argument {@value #SEE_CLASS_LOADS} ({@code -javaagent:noop.jar=see-class-loads}) it installs a
 * class-file transformer that changes nothing, as memagent's must to weave the classes it profiles: the JVM's cost of
 * showing every class load to an agent (reading the bytes of each class it would take from the class-data archive,
 * copying them into a Java array, calling the transformer). Its manifest asks for the capabilities memagent's does.
 */
public final class NoOpAgent {
    private NoOpAgent() {
    }

    /** The agent argument that installs the transformer that changes nothing. */
    static final String SEE_CLASS_LOADS = "see-class-loads";

    public static void premain(String args, Instrumentation inst) {
        // nothing else: the cost measured is the JVM's
        if (SEE_CLASS_LOADS.equals(args)) {
            inst.addTransformer(new ChangesNothing(), true);
        }
    }

    /** Returns null for every class: the class loads as it is. A named class, not a lambda: no lambda bootstrap. */
    private static final class ChangesNothing implements ClassFileTransformer {
        @Override
        public byte[] transform(ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain,
                                byte[] classFile) {
            return null;
        }
    }

    /** Writes the jar ({@link #writeJar}) and prints its path: for the shell benchmarks. */
    public static void main(String[] args) throws IOException {
        System.out.println(writeJar(false));
    }

    /**
     * Writes a jar holding only this agent, its manifest naming it {@code Premain-Class} and asking for memagent's
     * capabilities, to a temporary file (deleted when this JVM exits, if asked); returns its path.
     */
    static Path writeJar(boolean deleteOnExit) throws IOException {
        Path jar = Files.createTempFile("memagent-noop-agent", ".jar");
        if (deleteOnExit) {
            jar.toFile().deleteOnExit();
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().putValue("Premain-Class", NoOpAgent.class.getName());
        manifest.getMainAttributes().putValue("Can-Retransform-Classes", "true");
        manifest.getMainAttributes().putValue("Can-Redefine-Classes", "true");
        try (OutputStream file = Files.newOutputStream(jar);
             JarOutputStream out = new JarOutputStream(file, manifest)) {
            for (Class<?> c : new Class<?>[] {NoOpAgent.class, ChangesNothing.class}) {
                String entry = c.getName().replace('.', '/') + ".class";
                try (InputStream in = NoOpAgent.class.getClassLoader().getResourceAsStream(entry)) {
                    if (in == null) {
                        throw new IOException("no " + entry + " on the class path");
                    }
                    out.putNextEntry(new JarEntry(entry));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        }
        return jar;
    }
}
