package io.memagent.bootstrap;

/**
 * Whether a thread is virtual, without a method handle: {@code Thread::isVirtual} exists only
 * from JDK 21, and a handle invoked more than ~127 times is customized by the JDK, allocating
 * some 34 KB on whichever app thread crosses that count. Every virtual thread (JDK 21+) extends
 * {@code java.lang.BaseVirtualThread}; {@link Class#isInstance} allocates nothing. On JDK 17 the
 * class is absent and no thread is virtual.
 */
final class VirtualThreads {
    private static final Class<?> BASE;

    static {
        BASE = find("java.lang.BaseVirtualThread"); // the constant used here, in the initializer: resolved once, now
    }

    private VirtualThreads() {
    }

    static boolean isVirtual(Thread t) {
        return BASE != null && BASE.isInstance(t);
    }

    private static Class<?> find(String name) {
        try {
            return Class.forName(name, false, null);
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }
}
