package io.memagent.agent.instrument;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Predicate;

/**
 * Defines the classes it owns itself, from its parent's class files (changed on the way if asked), and everything
 * else from the parent; records the names it defined, in order.
 */
final class ChildFirstLoader extends ClassLoader {
    final List<String> defined = Collections.synchronizedList(new ArrayList<>());
    private final Predicate<String> owns;
    /** (binary name, class file) to the bytes to define. */
    private final BiFunction<String, byte[], byte[]> change;

    ChildFirstLoader(ClassLoader parent, Predicate<String> owns, BiFunction<String, byte[], byte[]> change) {
        super(parent);
        this.owns = owns;
        this.change = change;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!owns.test(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> c = findLoadedClass(name);
            if (c != null) {
                return c;
            }
            try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                if (in == null) {
                    throw new ClassNotFoundException(name);
                }
                byte[] b = change.apply(name, in.readAllBytes());
                defined.add(name);
                return defineClass(name, b, 0, b.length);
            } catch (IOException e) {
                throw new ClassNotFoundException(name, e);
            }
        }
    }
}
