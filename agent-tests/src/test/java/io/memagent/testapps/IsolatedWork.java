package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/** Loaded only by {@link IsolatedLoaderApp}'s isolated class loader. */
public class IsolatedWork {
    static volatile Object sink;

    @ProfileMemory
    static byte[] isolatedAllocation() {
        return new byte[2048];
    }

    public static int run(int n) {
        for (int i = 0; i < n; i++) {
            sink = isolatedAllocation();
        }
        return n;
    }
}
