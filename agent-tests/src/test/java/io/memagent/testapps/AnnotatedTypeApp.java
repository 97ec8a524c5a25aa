package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/** A type-level annotation profiles every concrete declared method, constructors excluded. */
public class AnnotatedTypeApp {
    static volatile Object sink;

    @ProfileMemory
    public static class Repository {
        public Repository() {
            sink = new byte[64]; // not profiled: constructors are excluded
        }

        public byte[] load() {
            return new byte[2000];
        }

        byte[] save() {
            return new byte[3000];
        }

        static byte[] compact() {
            return new byte[5000];
        }
    }

    @ProfileMemory(name = "Cache")
    public static class NamedCache {
        byte[] fill() {
            return new byte[6000];
        }

        @ProfileMemory(name = "Cache.evictAll")
        byte[] evict() {
            return new byte[7000];
        }
    }

    public static void main(String[] args) {
        int n = 50;
        Truth.print("truth.load", Truth.bytesOf(() -> new byte[2000]));
        Truth.print("truth.save", Truth.bytesOf(() -> new byte[3000]));
        Truth.print("truth.compact", Truth.bytesOf(() -> new byte[5000]));
        Truth.print("truth.fill", Truth.bytesOf(() -> new byte[6000]));
        Truth.print("truth.evict", Truth.bytesOf(() -> new byte[7000]));
        for (int i = 0; i < n; i++) {
            Repository r = new Repository();
            sink = r.load();
            sink = r.save();
            sink = Repository.compact();
            NamedCache c = new NamedCache();
            sink = c.fill();
            sink = c.evict();
        }
        Truth.print("calls", n);
    }
}
