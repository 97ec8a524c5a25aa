package io.memagent.it;

import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** Testcontainers, used only when no database URL is given and a Docker engine answers. */
final class Containers {
    private static PostgreSQLContainer container;

    private Containers() {
    }

    static synchronized TestDatabase postgresIfDockerAvailable() {
        try {
            if (!DockerClientFactory.instance().isDockerAvailable()) {
                return null;
            }
        } catch (Throwable t) {
            return null;
        }
        if (container == null) {
            container = new PostgreSQLContainer("postgres:16-alpine");
            container.start();
        }
        return TestDatabase.of(container.getJdbcUrl(), container.getUsername(), container.getPassword());
    }
}
