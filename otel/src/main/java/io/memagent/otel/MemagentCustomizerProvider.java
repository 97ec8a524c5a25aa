package io.memagent.otel;

import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizer;
import io.opentelemetry.sdk.autoconfigure.spi.AutoConfigurationCustomizerProvider;
import java.lang.management.ManagementFactory;

/**
 * Found through {@code META-INF/services} by the OpenTelemetry Java agent when this jar is named in
 * {@code otel.javaagent.extensions}, or by an app's own SDK autoconfiguration when the jar is on its
 * class path: adds {@link AllocatedBytesSpanProcessor} as the last span processor when memagent is
 * attached, or is named by a {@code -javaagent} option (the OpenTelemetry agent, attached first,
 * builds its SDK before memagent starts). Else it adds nothing; as the OpenTelemetry agent's
 * extension (named on purpose) it says so once, in an app's own SDK (where the jar may have come
 * as a dependency of a dependency) it stays silent. It never fails the SDK's start: an SDK too old
 * for the processor gets none.
 */
public final class MemagentCustomizerProvider implements AutoConfigurationCustomizerProvider {
    @Override
    public void customize(AutoConfigurationCustomizer customizer) {
        try {
            if (!AllocatedBytesSpanProcessor.agentRunning() && !memagentNamed()) {
                if (inOpenTelemetryAgent()) {
                    System.err.println("[memagent] WARN memagent-otel is loaded but memagent is not attached"
                            + " (-javaagent:memagent.jar): spans get no memagent.allocated_bytes");
                }
                return;
            }
            customizer.addTracerProviderCustomizer((builder, config) -> builder.addSpanProcessor(AllocatedBytesSpanProcessor.create()));
        } catch (RuntimeException | LinkageError e) {
            // an SDK without ExtendedSpanProcessor (before 1.37), or another surprise: no processor, the SDK starts
        }
    }

    /** Loaded by the OpenTelemetry Java agent's extension class loader, not by the application. */
    private static boolean inOpenTelemetryAgent() {
        ClassLoader loader = MemagentCustomizerProvider.class.getClassLoader();
        return loader != null && loader.getClass().getName().startsWith("io.opentelemetry.javaagent.");
    }

    /** A {@code -javaagent:} option of this JVM names a jar called memagent (any path, any version suffix). */
    private static boolean memagentNamed() {
        try {
            for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                if (arg.startsWith("-javaagent:")) {
                    String jar = arg.substring("-javaagent:".length()).split("=", 2)[0];
                    String file = jar.substring(Math.max(jar.lastIndexOf('/'), jar.lastIndexOf('\\')) + 1);
                    if (file.startsWith("memagent") && file.endsWith(".jar") && !file.startsWith("memagent-otel")) {
                        return true;
                    }
                }
            }
        } catch (RuntimeException | LinkageError e) {
            return true; // cannot tell: register, it stays quiet without the agent
        }
        return false;
    }

    /** After every other customizer: its span processor is the last, so its window opens after theirs. */
    @Override
    public int order() {
        return Integer.MAX_VALUE;
    }
}
