package io.memagent.agent.instrument;

/**
 * What one operation id stands for.
 *
 * @param name   {@code operation_type}: the annotation's name or {@code SimpleClassName.methodName}
 * @param method {@code pkg.Class#name(descriptor)}
 * @param kind   {@code method}, {@code block}, {@code track}, ...
 */
public record Operation(int id, String name, String method, String kind) {
}
