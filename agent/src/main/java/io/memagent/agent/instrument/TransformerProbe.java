package io.memagent.agent.instrument;

import io.memagent.api.ProfileMemory;

/**
 * Never loaded as a class: its class file is what {@link PrefilteringTransformer#preload} runs the transformer's
 * code on before the transformer is installed, so every class that code needs is loaded beforehand. One method for
 * each kind of weaving: a profiled method (synchronized, with a try block), JDBC's execute, prepare and batch, the
 * JDK's HTTP handler, and the jakarta and javax servlet and filter entry points.
 */
@SuppressWarnings("unused")
final class TransformerProbe {
    private Object last;

    @ProfileMemory(name = "probe", spikeMb = 1)
    synchronized Object call(Object value) {
        try {
            last = value.toString();
        } catch (RuntimeException e) {
            last = e;
        }
        return last;
    }

    public boolean execute(String sql) {
        return sql.isEmpty();
    }

    public int[] executeBatch() {
        return new int[0];
    }

    public Object prepareStatement(String sql) {
        return sql;
    }

    public void handle(com.sun.net.httpserver.HttpExchange exchange) {
        last = exchange;
    }

    public void service(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response) {
        last = request;
    }

    public void doFilter(jakarta.servlet.ServletRequest request, jakarta.servlet.ServletResponse response,
                         jakarta.servlet.FilterChain chain) {
        last = chain;
    }

    public void service(javax.servlet.ServletRequest request, javax.servlet.ServletResponse response) {
        last = request;
    }

    public void doFilter(javax.servlet.ServletRequest request, javax.servlet.ServletResponse response,
                         javax.servlet.FilterChain chain) {
        last = chain;
    }
}
