package io.memagent.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method (or every concrete, non-synthetic method a type declares, constructors
 * excluded) whose calls memagent measures: exact bytes allocated by the calling thread,
 * inclusive and self, duration and whether it threw.
 *
 * <p>The agent matches this annotation by its name, so the copy of the API that any class
 * loader sees works. Without the agent attached the annotation does nothing.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface ProfileMemory {
    /**
     * The operation name. Empty means {@code SimpleClassName.methodName}. On a type, a
     * non-empty name replaces {@code SimpleClassName}: methods become {@code name.methodName}.
     * A method's own annotation wins over its type's.
     */
    String name() default "";

    /**
     * This operation's own spike threshold, in MiB: a call allocating at least this much is a
     * {@code medium} spike, twice as much {@code high}, four times {@code critical}. {@code -1}
     * (the default) uses {@code memagent.spike.medium.mb}, {@code .high.mb} and
     * {@code .critical.mb}. On a type it applies to the type's methods; a method's own value
     * wins. Use it to quiet an operation that is meant to allocate much (a bigger value), or to
     * watch a small one closely (a smaller value).
     */
    long spikeMb() default -1;
}
