package io.memagent.agent.http;

/** A request the API refuses, with the status and the message the client gets. */
final class BadRequest extends Exception {
    final int status;

    BadRequest(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    BadRequest(String message) {
        this(400, message);
    }
}
