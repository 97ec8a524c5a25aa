package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/** Calls System.exit from inside a profiled method, after some completed calls. */
public class ExitInsideApp {
    static volatile Object sink;

    @ProfileMemory
    static void work() {
        sink = new byte[4000];
    }

    @ProfileMemory
    static void exitNow() {
        System.exit(0);
    }

    public static void main(String[] args) {
        for (int i = 0; i < 30; i++) {
            work();
        }
        Truth.print("calls", 30);
        exitNow();
    }
}
