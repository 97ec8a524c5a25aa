package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/** Profiled methods with known allocations, each with a plain twin measured in the same JVM. */
public class ExactBytesApp {
    static volatile Object sink;

    @ProfileMemory
    static byte[] oneMillionBytes() {
        return new byte[1_000_000];
    }

    @ProfileMemory
    static byte[] fourThousandBytes() {
        return new byte[4000];
    }

    @ProfileMemory
    static long[] thousandLongs() {
        return new long[1000];
    }

    @ProfileMemory
    static Object[] tenReferences() {
        return new Object[10];
    }

    @ProfileMemory
    static int[] twoMillionBytesOfInts() {
        return new int[500_000];
    }

    @ProfileMemory(name = "Nested.outer")
    static Object outer() {
        sink = new byte[1000];
        return oneMillionBytes();
    }

    @ProfileMemory
    static void fails(int i) {
        throw new IllegalArgumentException("planned failure " + i);
    }

    public static void main(String[] args) throws InterruptedException {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        Truth.print("truth.oneMillionBytes", Truth.bytesOf(() -> new byte[1_000_000]));
        Truth.print("truth.fourThousandBytes", Truth.bytesOf(() -> new byte[4000]));
        Truth.print("truth.thousandLongs", Truth.bytesOf(() -> new long[1000]));
        Truth.print("truth.tenReferences", Truth.bytesOf(() -> new Object[10]));
        Truth.print("truth.twoMillionBytesOfInts", Truth.bytesOf(() -> new int[500_000]));
        Truth.print("truth.oneThousandBytes", Truth.bytesOf(() -> new byte[1000]));
        int caught = 0;
        for (int i = 0; i < n; i++) {
            sink = oneMillionBytes();
            sink = fourThousandBytes();
            sink = thousandLongs();
            sink = tenReferences();
            sink = twoMillionBytesOfInts();
            sink = outer();
            try {
                fails(i);
            } catch (IllegalArgumentException e) {
                // the app's own exception must arrive unchanged: same type, same message
                if (e.getMessage().equals("planned failure " + i) && e.getClass() == IllegalArgumentException.class) {
                    caught++;
                }
            }
        }
        Truth.print("calls", n);
        Truth.print("caught", caught);
        if (args.length > 1) {
            Thread.sleep(Long.parseLong(args[1])); // keep the JVM up, e.g. while the agent retries
        }
    }
}
