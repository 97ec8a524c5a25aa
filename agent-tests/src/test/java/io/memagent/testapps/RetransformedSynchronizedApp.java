package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/**
 * A profiled synchronized method, rewritten by memagent at load, then retransformed by another
 * agent: the JVM refuses a retransformation that changes modifiers, so memagent must rewrite the
 * original bytes the same way again.
 */
public class RetransformedSynchronizedApp {
    static volatile Object sink;

    static final class Ledger {
        long entries;

        @ProfileMemory
        synchronized byte[] record() {
            entries++;
            return new byte[100];
        }
    }

    public static void main(String[] args) throws Exception {
        Ledger ledger = new Ledger();
        sink = ledger.record();
        RetransformingAgent.retransform(Ledger.class);
        sink = ledger.record();
        Truth.print("retransformed", 1);
        Truth.print("entries", ledger.entries);
    }
}
