package io.memagent.agent.aggregate;

import java.util.List;

/**
 * The headline over every operation: calls, cold calls and self bytes summed. Self bytes, not
 * inclusive: a request, its controller method and its SQL are three operations whose inclusive
 * figures each hold the SQL's bytes, so a sum of them would count those bytes three times; their
 * self bytes count each byte once. What the status endpoint and the exit report print.
 */
public record ProfiledTotals(int operations, long calls, long coldCalls, long selfBytes) {
    public static ProfiledTotals of(List<? extends WithFigures> operations) {
        long calls = 0;
        long cold = 0;
        long self = 0;
        for (WithFigures o : operations) {
            calls += o.calls();
            cold += o.coldCalls();
            self += o.selfBytes();
        }
        return new ProfiledTotals(operations.size(), calls, cold, self);
    }
}
