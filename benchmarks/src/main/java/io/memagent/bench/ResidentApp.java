package io.memagent.bench;

/**
 * The app of the resident-memory benchmark: one small profiled call ({@code byte[64]}) every 10 ms, forever (the
 * runner stops it). Run with a fixed, pre-touched heap, so its resident set is the heap plus the JVM's own, and what
 * the agent adds stands out.
 */
public final class ResidentApp {
    static volatile Object sink;

    private ResidentApp() {
    }

    public static void main(String[] args) throws InterruptedException {
        System.out.println("resident-app-running");
        while (true) {
            sink = Profiled.small();
            Thread.sleep(10);
        }
    }
}
