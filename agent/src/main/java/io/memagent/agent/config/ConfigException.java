package io.memagent.agent.config;

/** A configuration value the agent cannot accept; the message names key, value and what is accepted. */
public final class ConfigException extends Exception {
    public ConfigException(String message) {
        super(message);
    }
}
