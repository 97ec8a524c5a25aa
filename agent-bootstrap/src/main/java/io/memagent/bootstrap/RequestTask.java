package io.memagent.bootstrap;

/**
 * A scheduler task scheduled while a reactive request's segment was open on the scheduling thread
 * ({@link ScheduleHook}): its run is a segment of that request, measured by the thread that runs it.
 * The task's own exceptions pass through unchanged; the agent's never reach it. Boot loader, JDK
 * types only.
 */
final class RequestTask implements Runnable {
    private final Runnable task;
    private final ReactiveRequest request;

    RequestTask(Runnable task, ReactiveRequest request) {
        this.task = task;
        this.request = request;
    }

    @Override
    public void run() {
        ThreadState s = null;
        int token = 0;
        try {
            s = HotPath.currentState();
            token = ReactiveRequests.taskStarts(s, request);
        } catch (Throwable t) {
            token = 0; // run unmeasured
        }
        if (token == 0) {
            task.run();
            return;
        }
        try {
            task.run();
        } finally {
            ReactiveRequests.closeSegment(s, token);
        }
    }
}
