package io.memagent.testapps;

import io.memagent.api.ProfileMemory;
import java.lang.management.ManagementFactory;

/**
 * A profiled call whose first run loads, and so makes the agent weave, an annotated class on the
 * app's thread inside the open call. The app measures the call three ways: its thread's raw
 * counter, the counter less the agent's own bytes ({@link Truth#appBytesNow}), and the agent's own
 * bytes alone. Run with and without the agent.
 */
public class AgentOverheadApp {
    static volatile Object sink;
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    /** Loaded for the first time inside {@link #handle}: annotated, so the agent weaves it then. */
    static final class LazilyWoven {
        @ProfileMemory
        static Object make(int i) {
            return new long[8 + i];
        }
    }

    @ProfileMemory
    static Object handle(int i) {
        byte[] own = new byte[1000];
        return new Object[] {own, LazilyWoven.make(i)};
    }

    /** Defines {@code classes} in a loader of its own: every class load, whatever the class, is handed to agents. */
    @ProfileMemory
    static Object defineAll(byte[][] classes, String[] names) {
        Definer loader = new Definer();
        Object last = null;
        for (int i = 0; i < classes.length; i++) {
            last = loader.define(names[i], classes[i]);
        }
        return last;
    }

    static final class Definer extends ClassLoader {
        Class<?> define(String name, byte[] b) {
            return defineClass(name, b, 0, b.length);
        }
    }

    /** The smallest class file: {@code public class <name> extends Object}, no members. */
    static byte[] emptyClass(String internalName) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
            out.writeInt(0xCAFEBABE);
            out.writeShort(0);
            out.writeShort(52);
            out.writeShort(5);
            out.writeByte(1);
            out.writeUTF(internalName);
            out.writeByte(7);
            out.writeShort(1);
            out.writeByte(1);
            out.writeUTF("java/lang/Object");
            out.writeByte(7);
            out.writeShort(3);
            out.writeShort(0x21);
            out.writeShort(2);
            out.writeShort(4);
            out.writeShort(0);
            out.writeShort(0);
            out.writeShort(0);
            out.writeShort(0);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    public static void main(String[] args) throws InterruptedException {
        Truth.appBytesNow(); // Truth set up outside the measured calls
        int n = 500;
        for (int round = 1; round <= 2; round++) {
            byte[][] classes = new byte[n][];
            String[] names = new String[n];
            for (int i = 0; i < n; i++) {
                names[i] = "gen.R" + round + "C" + i + "x".repeat(i % 7);
                classes[i] = emptyClass(names[i].replace('.', '/'));
            }
            long app0 = Truth.appBytesNow();
            sink = defineAll(classes, names);
            long app = Truth.appBytesNow() - app0; // before the key's string is made
            Truth.print("define" + round + ".app", app);
        }
        // The calls wait for the agent's start-up to settle. Meanwhile its threads load their classes through the
        // application class loader, whose shared bookkeeping (the lists and maps of what it loaded) grows in steps
        // that whichever thread crosses pays: a call made then read 672 to 2,928 B more, 1 run in 10 (JDK 17, with
        // the agent, docs/profiling.md). This test is about the weaving inside the call, so it waits that out.
        Thread.sleep(2_000);
        for (int call = 1; call <= 2; call++) {
            long raw0 = THREADS.getCurrentThreadAllocatedBytes();
            long app0 = Truth.appBytesNow();
            sink = handle(call);
            long app1 = Truth.appBytesNow();
            long raw1 = THREADS.getCurrentThreadAllocatedBytes();
            Truth.print("call" + call + ".raw", raw1 - raw0);
            Truth.print("call" + call + ".app", app1 - app0);
        }
    }
}
