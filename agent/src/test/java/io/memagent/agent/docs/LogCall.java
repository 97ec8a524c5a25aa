package io.memagent.agent.docs;

import java.util.List;

/** One log call: where it is, the {@code AgentLog} method, its message's string literals. */
record LogCall(String where, String method, List<String> literals) {
    String longestLiteral() {
        return literals.stream().map(String::strip).max(java.util.Comparator.comparingInt(String::length)).orElse("");
    }

    @Override
    public String toString() {
        return where + " " + method;
    }
}
