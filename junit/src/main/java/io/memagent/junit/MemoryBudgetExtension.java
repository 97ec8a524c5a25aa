package io.memagent.junit;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.InvocationInterceptor;
import org.junit.jupiter.api.extension.ReflectiveInvocationContext;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Runs a {@link MemoryBudget} test method and measures the bytes its body allocates on the test
 * thread.
 *
 * <p>For the count to be exact, JUnit's own reflective call must stay out of the window (on JDK
 * 18+ {@code Method.invoke} builds its accessor on the first call, which allocates). So a test
 * method without parameters is called here through a method handle prepared before the window
 * (and JUnit's invocation is skipped); a method with parameters goes through JUnit's invocation,
 * whose reflective call may add a few hundred bytes the first time.
 */
public final class MemoryBudgetExtension implements InvocationInterceptor {
    /** A void instance method without parameters, the shape every budgeted test is called in. */
    private static final MethodHandle WARM;

    static {
        MethodHandle warm;
        try {
            warm = MethodHandles.lookup().findVirtual(Shape.class, "run", MethodType.methodType(void.class))
                    .bindTo(new Shape());
            for (int i = 0; i < 3; i++) {
                call(warm); // link the call site and the handle's shape before any window
            }
        } catch (Throwable e) {
            warm = null;
        }
        WARM = warm;
    }

    /** Only for {@link #WARM}. */
    static class Shape {
        void run() {
        }
    }

    @Override
    public void interceptTestMethod(Invocation<Void> invocation, ReflectiveInvocationContext<Method> context,
                                    ExtensionContext extension) throws Throwable {
        Optional<MemoryBudget> budget = AnnotationSupport.findAnnotation(context.getExecutable(), MemoryBudget.class);
        if (!budget.isPresent()) {
            budget = AnnotationSupport.findAnnotation(extension.getRequiredTestClass(), MemoryBudget.class);
        }
        if (!budget.isPresent()) {
            invocation.proceed();
            return;
        }
        String what = "test " + extension.getRequiredTestClass().getSimpleName() + "." + context.getExecutable().getName();
        MethodHandle direct = direct(context);
        long[] mark = AgentCalls.mark();
        long before;
        long after;
        if (direct != null) {
            invocation.skip();
            before = ThreadBytes.now();
            call(direct);
            after = ThreadBytes.now();
        } else {
            before = ThreadBytes.now();
            invocation.proceed();
            after = ThreadBytes.now();
        }
        MemoryAssertions.check(budget.get().maxBytes(), before, after, mark, what);
    }

    private static void call(MethodHandle h) throws Throwable {
        h.invokeExact();
    }

    /** The test method bound to its instance, as {@code ()void}; null when it takes parameters. */
    private static MethodHandle direct(ReflectiveInvocationContext<Method> context) {
        Method m = context.getExecutable();
        if (WARM == null || m.getParameterCount() != 0 || Modifier.isStatic(m.getModifiers())
                || m.getReturnType() != void.class || !context.getTarget().isPresent()) {
            return null;
        }
        try {
            m.setAccessible(true);
            return MethodHandles.lookup().unreflect(m).bindTo(context.getTarget().get());
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
