package io.memagent.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Fails a test whose method allocates more than {@link #maxBytes()} on the test thread. On a
 * class, every test method of it gets the budget (a method's own annotation wins). Bytes are
 * the thread's allocation counter around the test method's body: not the {@code @BeforeEach}
 * methods, not other threads. The failure message shows the bytes and, with the memagent agent
 * attached, the profiled operations that allocated most inside.
 *
 * <pre>{@code
 * @Test
 * @MemoryBudget(maxBytes = 64 * 1024)
 * void parsesAnOrderInUnder64KiB() { parser.parse(ORDER_JSON); }
 * }</pre>
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@ExtendWith(MemoryBudgetExtension.class)
public @interface MemoryBudget {
    /** The most bytes the test method may allocate on its thread. */
    long maxBytes();
}
