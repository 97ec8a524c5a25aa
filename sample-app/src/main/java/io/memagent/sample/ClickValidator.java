package io.memagent.sample;

import io.memagent.api.ProfileMemory;

/** Rejects log lines without a cost (about one in ten): the report counts these calls as errors. */
final class ClickValidator {
    private ClickValidator() {
    }

    @ProfileMemory
    static void validate(String line) {
        if (line.endsWith(",n/a")) {
            throw new IllegalArgumentException("no cost in: " + line);
        }
    }
}
