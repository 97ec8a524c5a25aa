package io.memagent.agent.instrument;

import io.memagent.bootstrap.Recorder;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into every profiled method. It only calls {@link Recorder}, which lives on the
 * bootstrap class path and so is visible from any class loader. {@code suppress} keeps a bug of
 * ours from ever reaching the app; the app's own exception passes through unchanged.
 */
final class ProfileAdvice {
    private ProfileAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static int enter() {
        return Recorder.enter();
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@OperationId int operationId, @Advice.Enter int token, @Advice.Thrown Throwable thrown) {
        Recorder.exit(operationId, token, thrown != null);
    }
}
