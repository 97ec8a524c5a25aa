package io.memagent.agent.store;

import java.util.UUID;

/** This JVM's run: the {@code agent_runs} row and the three columns every row carries. */
public record RunInfo(UUID runId, String serviceName, long processId, String host, String jvmVersion,
                      String agentVersion, String configJson, long startedAtMs) {
}
