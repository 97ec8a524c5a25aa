package io.memagent.agent;

import io.memagent.agent.instrument.FilterPreload;
import io.memagent.agent.jdk.JdkInternals;
import io.memagent.agent.runtime.AgentRuntime;
import io.memagent.agent.util.AgentLog;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.lang.instrument.Instrumentation;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;

/**
 * The agent's start, from {@link AgentEntry} (the manifest's {@code Premain-Class} and {@code Agent-Class}), and the
 * command-line tools ({@code Main-Class}).
 *
 * <p>It first makes {@code io.memagent.bootstrap} visible to every class loader by defining
 * those classes (and only those) in the boot loader, then starts the runtime. The JVM links a call
 * when it first runs, so the call to {@link AgentRuntime#start} links only after the bootstrap
 * classes are in place; this class must never refer to {@code io.memagent.bootstrap} itself.
 */
public final class MemAgent {
    private static final String BOOTSTRAP_PREFIX = "io/memagent/bootstrap/";
    /** The bootstrap classes' simple names, supertypes first (agent-bootstrap's resource of that name). */
    static final String CLASS_LIST = BOOTSTRAP_PREFIX + "classes.txt";
    /** The class file the class filter is exercised on before it is installed ({@code FilterPreload}). */
    static final String FILTER_PROBE = "io/memagent/agent/instrument/TransformerProbe.class";
    private static volatile boolean started;

    private MemAgent() {
    }

    /** {@code java -jar memagent.jar ...}: the command-line tools. */
    public static void main(String[] args) throws Exception {
        Class.forName("io.memagent.agent.runtime.Cli").getMethod("main", String[].class).invoke(null, (Object) args);
    }

    /** {@link AgentEntry}'s premain ({@code attached} false) and agentmain (true). */
    static synchronized void start(String args, Instrumentation inst, boolean attached) {
        if (started) {
            AgentLog.warn("memagent is already running in this JVM; ignoring the second start");
            return;
        }
        started = true;
        // The class filter's classes (ASM's, mostly) load on memagent-preload from here on, beside the rest of
        // premain: the longest piece of it, started first.
        FilterPreload preload = FilterPreload.start();
        try {
            injectBootstrap(inst, preload);
            // Linked when it first runs, here, after the bootstrap classes it refers to are in place.
            AgentRuntime.start(args, inst, attached, preload);
        } catch (Throwable t) {
            preload.cancel();
            AgentLog.error("memagent could not start and is disabled; the application runs without it: " + t);
        }
    }

    /**
     * Defines the bootstrap classes directly in the boot loader when the JVM allows it (no
     * change to the boot class path, so the JVM keeps class-data sharing for app classes and
     * prints no warning); otherwise appends a jar of just those classes to the boot class path.
     */
    private static void injectBootstrap(Instrumentation inst, FilterPreload preload)
            throws IOException, URISyntaxException {
        Map<String, byte[]> classes = readBootstrapClasses(preload);
        try {
            defineInBootLoader(inst, classes);
            return;
        } catch (RuntimeException | LinkageError e) {
            // fall through to the boot class path
        }
        Path jar = Files.createTempFile("memagent-bootstrap-", ".jar");
        jar.toFile().deleteOnExit();
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (Map.Entry<String, byte[]> e : classes.entrySet()) {
                out.putNextEntry(new JarEntry(e.getKey().replace('.', '/') + ".class"));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        inst.appendToBootstrapClassLoaderSearch(new JarFile(jar.toFile()));
    }

    /**
     * {@code jdk.internal.misc.Unsafe.defineClass} with a null loader defines a class in the boot
     * loader; the agent exports that package to itself through {@link Instrumentation} first
     * ({@link JdkInternals}: plain calls, no reflection).
     */
    private static void defineInBootLoader(Instrumentation inst, Map<String, byte[]> classes) {
        JdkInternals.open(inst);
        // A class's superclass and interfaces must be defined before it (ThreadState's layers): what
        // fails for want of one is tried again after the others, while that makes progress.
        java.util.List<Map.Entry<String, byte[]>> left = new java.util.ArrayList<>(classes.entrySet());
        while (!left.isEmpty()) {
            java.util.List<Map.Entry<String, byte[]>> later = new java.util.ArrayList<>();
            for (Map.Entry<String, byte[]> e : left) {
                try {
                    JdkInternals.defineInBootLoader(e.getKey(), e.getValue());
                } catch (NoClassDefFoundError x) {
                    later.add(e);
                }
            }
            if (later.size() == left.size()) {
                throw new NoClassDefFoundError("bootstrap classes refer to each other: " + later.get(0).getKey());
            }
            left = later;
        }
    }

    /**
     * The bootstrap classes' bytes, from wherever {@code io/memagent/bootstrap/} is on this class's
     * loader: the agent jar (shaded in), or the agent-bootstrap module's classes directory. In the jar
     * they are read by name from {@value #CLASS_LIST}, not found by listing the jar's thousands of entries;
     * the jar is this class's own code source, opened directly: finding it as a resource would go through
     * the JDK's {@code jar:} URL handling, about 3 ms of a cold JVM's start. The filter probe's class file is read
     * from the same open jar and handed to {@code preload} (outside a jar the preload reads it as a resource).
     */
    private static Map<String, byte[]> readBootstrapClasses(FilterPreload preload)
            throws IOException, URISyntaxException {
        Map<String, byte[]> classes = new LinkedHashMap<>();
        File source = codeSource();
        if (source != null && source.isFile()) {
            try (JarFile in = new JarFile(source, false)) {
                if (in.getJarEntry(CLASS_LIST) != null) {
                    for (String simpleName : classList(read(in, CLASS_LIST))) {
                        String entry = BOOTSTRAP_PREFIX + simpleName + ".class";
                        classes.put(className(entry), read(in, entry));
                    }
                    if (in.getJarEntry(FILTER_PROBE) != null) {
                        preload.probe(read(in, FILTER_PROBE));
                    }
                    return classes;
                }
            }
        }
        java.net.URL marker = MemAgent.class.getClassLoader().getResource(BOOTSTRAP_PREFIX + "HotPath.class");
        if (marker == null || !"file".equals(marker.getProtocol())) {
            throw new IOException("no " + CLASS_LIST + " in " + source + " and no " + BOOTSTRAP_PREFIX
                    + "HotPath.class in a classes directory next to " + MemAgent.class.getName() + " (found: " + marker + ")");
        }
        Path dir = Path.of(marker.toURI()).getParent();
        Path root = dir.getParent().getParent().getParent(); // above io/memagent/bootstrap
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                if (Files.isRegularFile(p) && p.toString().endsWith(".class")) {
                    classes.put(className(root.relativize(p).toString().replace(File.separatorChar, '/')),
                            Files.readAllBytes(p));
                }
            }
        }
        if (classes.isEmpty()) {
            throw new IOException("no " + BOOTSTRAP_PREFIX + " classes found at " + marker);
        }
        return classes;
    }

    /** This class's jar or classes directory as a file; null where it is not one (a class loader's own URL scheme). */
    private static File codeSource() {
        try {
            java.security.CodeSource cs = MemAgent.class.getProtectionDomain().getCodeSource();
            return cs == null || cs.getLocation() == null ? null : new File(cs.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return null;
        }
    }

    private static byte[] read(JarFile jar, String entry) throws IOException {
        JarEntry e = jar.getJarEntry(entry);
        if (e == null) {
            throw new IOException("no " + entry + " in " + jar.getName());
        }
        try (InputStream is = jar.getInputStream(e)) {
            return is.readAllBytes();
        }
    }

    /** The simple names in {@value #CLASS_LIST}: one a line, {@code #} comments and blank lines skipped. */
    static java.util.List<String> classList(byte[] text) {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (String line : new String(text, java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
            String name = line.trim();
            if (!name.isEmpty() && !name.startsWith("#")) {
                names.add(name);
            }
        }
        return names;
    }

    private static String className(String entry) {
        return entry.substring(0, entry.length() - ".class".length()).replace('/', '.');
    }

}
