package io.memagent.agent.instrument;

/**
 * What one operation id stands for.
 *
 * @param name   {@code operation_type}: the annotation's name or {@code SimpleClassName.methodName}
 * @param method {@code pkg.Class#name(descriptor)}
 * @param kind   {@code method}, {@code block}, {@code track}, ...
 * @param spikeMediumBytes this operation's own medium spike threshold ({@code @ProfileMemory(spikeMb)}),
 *               or -1 for the configured thresholds
 */
public record Operation(int id, String name, String method, String kind, long spikeMediumBytes) {
    public Operation(int id, String name, String method, String kind) {
        this(id, name, method, kind, -1);
    }
}
