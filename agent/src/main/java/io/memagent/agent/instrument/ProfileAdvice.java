package io.memagent.agent.instrument;

import io.memagent.bootstrap.HotPath;
import io.memagent.bootstrap.ThreadState;
import net.bytebuddy.asm.Advice;

/**
 * Inlined into every profiled method. It only calls {@link HotPath}, which the agent defines in
 * the boot loader and so is visible from any class loader. The thread's state is looked up once,
 * at entry, and kept in a local variable of the woven method for the exit. {@code suppress} keeps
 * a bug of ours from ever reaching the app; the app's own exception passes through unchanged.
 */
final class ProfileAdvice {
    private ProfileAdvice() {
    }

    @Advice.OnMethodEnter(suppress = Throwable.class)
    static int enter(@Advice.Local("memagentState") ThreadState state) {
        state = HotPath.currentState();
        return HotPath.enter(state);
    }

    @Advice.OnMethodExit(onThrowable = Throwable.class, suppress = Throwable.class)
    static void exit(@OperationId int operationId, @Advice.Enter int token,
                     @Advice.Local("memagentState") ThreadState state, @Advice.Thrown Throwable thrown) {
        HotPath.exit(operationId, state, token, thrown != null);
    }
}
