package io.memagent.testapps;

import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;

/**
 * Loads {@link IsolatedWork} (and its own copy of the API) through a class loader whose parent
 * is the platform loader, as application servers and plugin systems do: the app class loader
 * that holds the agent cannot see these classes, yet they must be profiled.
 */
public class IsolatedLoaderApp {
    public static void main(String[] args) throws Exception {
        URL[] urls = new URL[args.length];
        for (int i = 0; i < args.length; i++) {
            urls[i] = new File(args[i]).toURI().toURL();
        }
        try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
            Class<?> work = loader.loadClass("io.memagent.testapps.IsolatedWork");
            if (work.getClassLoader() != loader) {
                throw new IllegalStateException("IsolatedWork was not loaded in isolation");
            }
            Truth.print("truth.isolated", Truth.bytesOf(() -> new byte[2048]));
            Truth.print("calls", (Integer) work.getMethod("run", int.class).invoke(null, 40));
        }
    }
}
