package io.memagent.agent.instrument.woven;

import io.memagent.api.ProfileMemory;
import java.util.function.IntSupplier;

/**
 * Method shapes the annotated-class weaver must get right: wide parameters before and after the
 * agent's two locals, locals reused with other types across branches, loops (stack map frames),
 * the method's own try/catch/finally, exceptions that escape, synchronized methods, lambdas in an
 * annotated class, a constructor and a static initializer (never profiled).
 */
@ProfileMemory(name = "shapes")
public class Shapes {
    static volatile Object sink;
    static final int[] TABLE;

    static {
        TABLE = new int[] {1, 2, 3};
    }

    private long total;

    public Shapes(long start) {
        this.total = start;
    }

    public long wide(long a, double b, int c, long d) {
        long sum = a + c + d;
        double scaled = b * 2;
        for (int i = 0; i < c; i++) {
            sum += i;
            if (i % 2 == 0) {
                String s = "x" + i;
                sink = s;
            } else {
                Object o = new int[i];
                sink = o;
            }
        }
        return sum + (long) scaled;
    }

    public static int caught(int n) {
        int result = 0;
        try {
            if (n < 0) {
                throw new IllegalArgumentException("negative");
            }
            result = n * 2;
        } catch (IllegalArgumentException e) {
            result = -1;
        } finally {
            result += 1000;
        }
        return result;
    }

    public static void escapes(String what) {
        sink = new byte[16];
        throw new IllegalStateException(what);
    }

    public synchronized long add(long n) {
        total += n;
        return total;
    }

    public static synchronized double twice(double x, float y) {
        return x * 2 + y;
    }

    public int viaLambda(int k) {
        IntSupplier s = () -> k * TABLE[1];
        return s.getAsInt();
    }

    @ProfileMemory(name = "custom.name", spikeMb = 64)
    public byte[] named(int size) {
        return new byte[size];
    }
}
