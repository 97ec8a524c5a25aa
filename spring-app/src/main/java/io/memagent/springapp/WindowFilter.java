package io.memagent.springapp;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * The first filter of every request measures its own body, the rest of the request inside the
 * container, with the app's own counter ({@link AppCounter}), and, when a tracing span is open on
 * the thread (memagent's record of the span last started there), prints
 * {@code filter-window span=SPAN_ID bytes=N}: the figure a server span's allocated bytes must be at
 * least. Prints nothing without a span.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class WindowFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String span = AppCounter.currentSpanId();
        long agent0 = AppCounter.agentBytes();
        long raw0 = AppCounter.rawBytes();
        try {
            chain.doFilter(request, response);
        } finally {
            long raw1 = AppCounter.rawBytes();
            long agent1 = AppCounter.agentBytes();
            if (span != null) {
                System.out.println("filter-window span=" + span + " bytes=" + ((raw1 - raw0) - (agent1 - agent0)));
            }
        }
    }
}
