package io.memagent.testapps;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;

/**
 * Reads every string constant of the JDK classes the agent's counter read enters
 * ({@code ThreadMXBean}'s implementation and its superclasses, the VM management it asks,
 * {@code Thread}, {@code ThreadLocal}) through the
 * JDK's own {@code jdk.internal.reflect.ConstantPool} (run with {@code --add-exports
 * java.base/jdk.internal.reflect=ALL-UNNAMED --add-exports java.base/jdk.internal.access=ALL-UNNAMED}),
 * and counts the bytes those reads allocate on this thread. A constant already made costs nothing
 * to read; one not yet made is created by the read (a String and its byte[]), which is what C2's
 * first compile request for one of the class's methods would do on whichever thread asked.
 *
 * <p>Prints {@code strings} (string constants read) and {@code bytes} (what reading them
 * allocated), after the agent's start thread {@code memagent-init} has finished.
 */
public class JdkStringConstantsApp {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    private static MethodHandle poolOf;
    private static MethodHandle size;
    private static MethodHandle tagAt;
    private static MethodHandle stringAt;
    private static Object javaLang;
    private static Object stringTag;
    private static int strings;

    public static void main(String[] args) throws Throwable {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("memagent-init"))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("memagent-init still running after 20 s");
            }
            Thread.sleep(10);
        }
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        Class<?> access = Class.forName("jdk.internal.access.JavaLangAccess");
        Class<?> pool = Class.forName("jdk.internal.reflect.ConstantPool");
        Class<?> tag = Class.forName("jdk.internal.reflect.ConstantPool$Tag");
        javaLang = lookup.findStatic(Class.forName("jdk.internal.access.SharedSecrets"), "getJavaLangAccess",
                MethodType.methodType(access)).invoke();
        poolOf = lookup.findVirtual(access, "getConstantPool", MethodType.methodType(pool, Class.class))
                .asType(MethodType.methodType(Object.class, Object.class, Class.class));
        size = lookup.findVirtual(pool, "getSize", MethodType.methodType(int.class))
                .asType(MethodType.methodType(int.class, Object.class));
        tagAt = lookup.findVirtual(pool, "getTagAt", MethodType.methodType(tag, int.class))
                .asType(MethodType.methodType(Object.class, Object.class, int.class));
        stringAt = lookup.findVirtual(pool, "getStringAt", MethodType.methodType(String.class, int.class))
                .asType(MethodType.methodType(String.class, Object.class, int.class));
        stringTag = tag.getField("STRING").get(null);

        // The reading itself allocates nothing once warm: this class's own constants, read until they cost 0.
        long own = -1;
        for (int i = 0; i < 300 && own != 0; i++) {
            own = bytesToRead(JdkStringConstantsApp.class);
        }
        if (own != 0) {
            throw new IllegalStateException("reading made constants cost " + own + " bytes on the 300th pass");
        }
        strings = 0;
        long bytes = 0;
        for (Class<?> c = THREADS.getClass(); c != null && c != Object.class; c = c.getSuperclass()) {
            bytes += bytesToRead(c);
        }
        Truth.print("bytes.threadmxbean", bytes);
        // What the counter read delegates to (ThreadImpl asks the VM management whether counting is supported),
        // and Thread (JDK 21+: the read asks Thread.isVirtual).
        long vmManagement = bytesToRead(Class.forName("sun.management.VMManagementImpl"));
        long thread = bytesToRead(Thread.class);
        Truth.print("bytes.vmmanagement", vmManagement);
        Truth.print("bytes.thread", thread);
        bytes += vmManagement + thread + bytesToRead(ThreadLocal.class);
        Truth.print("strings", strings);
        Truth.print("bytes", bytes);
    }

    private static long bytesToRead(Class<?> c) throws Throwable {
        Object cp = (Object) poolOf.invokeExact(javaLang, c);
        int n = (int) size.invokeExact(cp);
        int[] indexes = new int[n];
        int found = 0;
        for (int i = 1; i < n; i++) { // getTagAt allocates (Tag.values()): outside the measured reads
            Object t;
            try {
                t = (Object) tagAt.invokeExact(cp, i);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (t == stringTag) {
                indexes[found++] = i;
            }
        }
        long before = THREADS.getCurrentThreadAllocatedBytes();
        for (int k = 0; k < found; k++) {
            String s = (String) stringAt.invokeExact(cp, indexes[k]);
        }
        long bytes = THREADS.getCurrentThreadAllocatedBytes() - before;
        strings += found;
        return bytes;
    }
}
