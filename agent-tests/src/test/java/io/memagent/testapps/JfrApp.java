package io.memagent.testapps;

import io.memagent.api.MemoryBlock;
import io.memagent.api.MemoryProfiler;
import io.memagent.api.ProfileMemory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordingStream;

/**
 * Profiled calls above and below {@code memagent.calls.min.bytes}, run while a flight recording
 * is on (the test starts the JVM with {@code -XX:StartFlightRecording}). The agent commits its
 * events on its drain thread, a few ms after each call; the app follows them with a
 * {@link RecordingStream} and exits only when all have arrived, so none is lost to the race
 * between the agent's and JFR's shutdown hooks. With {@code nostream} it only makes the calls.
 */
public class JfrApp {
    static volatile Object sink;

    @ProfileMemory
    static int[] twoMillionBytes() {
        return new int[500_000];
    }

    @ProfileMemory
    static byte[] small() {
        return new byte[100];
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        boolean stream = args.length < 2 || !args[1].equals("nostream");
        Truth.print("truth.twoMillionBytes", Truth.bytesOf(() -> new int[500_000]));
        int expected = 2 * n; // n method calls and n blocks reach the threshold; the small calls do not
        CountDownLatch seen = new CountDownLatch(expected);
        RecordingStream rs = null;
        if (stream) {
            rs = new RecordingStream();
            rs.enable("memagent.Call");
            rs.onEvent("memagent.Call", e -> seen.countDown());
            rs.startAsync();
        }
        for (int i = 0; i < n; i++) {
            sink = twoMillionBytes();
            sink = small();
            try (MemoryBlock b = MemoryProfiler.block("jfr-block")) {
                sink = new int[500_000];
            }
        }
        if (rs != null) {
            Truth.print("streamed", seen.await(60, TimeUnit.SECONDS) ? expected : expected - seen.getCount());
            rs.close();
        }
    }
}
