package io.memagent.agent.instrument.woven;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import java.io.IOException;

/** A filter of awkward shape for the attribution weaver: long locals, a loop, an early return, its own catch. */
public class OrderFilter implements Filter {
    public long passes;

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        long started = System.nanoTime();
        double weight = 1.5;
        if (request.getParameter("skip") != null) {
            passes--;
            return;
        }
        for (int i = 0; i < 2; i++) {
            try {
                if (request.getParameter("fail") != null && i == 1) {
                    throw new IllegalStateException("fail " + weight);
                }
                passes += i;
            } catch (IllegalArgumentException e) {
                passes = -1;
            }
        }
        chain.doFilter(request, response);
        passes += started > 0 ? 1 : 0;
    }
}
