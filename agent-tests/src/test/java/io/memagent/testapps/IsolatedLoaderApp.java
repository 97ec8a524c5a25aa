package io.memagent.testapps;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * Loads {@link IsolatedWork} (and its own copy of the API) through another class loader, as
 * application servers, plugin systems and fat-jar launchers do:
 * <ul>
 * <li>{@code platform}: parent is the platform loader, so the app loader holding the agent cannot see them;</li>
 * <li>{@code child-first}: parent is the app loader, but the child looks at its own URLs first.</li>
 * </ul>
 * Usage: {@code IsolatedLoaderApp platform|child-first url...}
 */
public class IsolatedLoaderApp {
    static final class ChildFirstLoader extends URLClassLoader {
        ChildFirstLoader(URL[] urls, ClassLoader parent) {
            super(urls, parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            synchronized (getClassLoadingLock(name)) {
                Class<?> c = findLoadedClass(name);
                if (c == null && !name.startsWith("java.")) {
                    try {
                        c = findClass(name);
                    } catch (ClassNotFoundException notMine) {
                        // fall back to the parent
                    }
                }
                if (c == null) {
                    c = super.loadClass(name, false);
                }
                if (resolve) {
                    resolveClass(c);
                }
                return c;
            }
        }
    }

    public static void main(String[] args) throws Exception {
        URL[] urls = new URL[args.length - 1];
        for (int i = 1; i < args.length; i++) {
            urls[i - 1] = new File(args[i]).toURI().toURL();
        }
        URLClassLoader loader = args[0].equals("child-first")
                ? new ChildFirstLoader(urls, IsolatedLoaderApp.class.getClassLoader())
                : new URLClassLoader(urls, ClassLoader.getPlatformClassLoader());
        try (loader) {
            Class<?> work = loader.loadClass("io.memagent.testapps.IsolatedWork");
            if (work.getClassLoader() != loader) {
                throw new IllegalStateException("IsolatedWork was not loaded by the " + args[0] + " loader");
            }
            Class<?> api = loader.loadClass("io.memagent.api.ProfileMemory");
            if (api.getClassLoader() != loader) {
                throw new IllegalStateException("the API was not loaded by the " + args[0] + " loader");
            }
            Truth.print("truth.isolated", Truth.bytesOf(() -> new byte[2048]));
            Truth.print("calls", (Integer) work.getMethod("run", int.class).invoke(null, 40));
        }
    }
}
