package io.memagent.testapps;

import java.lang.instrument.Instrumentation;

/**
 * A second agent, as an APM or a debugger would be: it retransforms classes the app asks it to.
 * {@code SynchronizedIT} packs it into a jar with {@code Premain-Class} and
 * {@code Can-Retransform-Classes}.
 */
public final class RetransformingAgent {
    private static volatile Instrumentation instrumentation;

    private RetransformingAgent() {
    }

    public static void premain(String args, Instrumentation inst) {
        instrumentation = inst;
    }

    static void retransform(Class<?> c) throws Exception {
        instrumentation.retransformClasses(c);
    }
}
