package io.memagent.agent.instrument.woven;

/**
 * A class with no annotation, profiled only by a {@code memagent.include} pattern ({@code Pars*#parse*}): its
 * {@code parse} methods are woven, its other method and its constructor are not.
 */
public class Parsers {
    static volatile Object sink;

    private final int size;

    public Parsers(int size) {
        this.size = size;
    }

    public byte[] parseBytes() {
        byte[] b = new byte[size];
        sink = b;
        return b;
    }

    public static int parseTwice(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative: " + n);
        }
        return 2 * n;
    }

    public byte[] format() {
        byte[] b = new byte[size];
        sink = b;
        return b;
    }
}
