package io.memagent.bootstrap;

/**
 * Reactor's {@code Schedulers.onScheduleHook}: a task scheduled from inside a reactive request's
 * segment (the event loop handing work to {@code boundedElastic}: a {@code publishOn} or
 * {@code subscribeOn} hop, {@code Mono.fromCallable} on a scheduler) becomes a {@link RequestTask} of
 * that request; any other task is returned as it is, with nothing allocated. The wrapper is the
 * agent's allocation, taken off the segment. Never throws. Boot loader, JDK types only.
 */
final class ScheduleHook implements java.util.function.Function<Runnable, Runnable> {
    static final ScheduleHook INSTANCE = new ScheduleHook();

    private ScheduleHook() {
    }

    @Override
    public Runnable apply(Runnable task) {
        try {
            if (task == null || task instanceof RequestTask || !HotPath.enabled
                    || VirtualThreads.isVirtual(Thread.currentThread())) {
                return task;
            }
            ThreadState s = HotPath.STATE.get();
            ReactiveRequest r = s == null ? null : s.segmentRequest();
            if (r == null) {
                return task;
            }
            long before = HotPath.ownCounter();
            RequestTask wrapped = new RequestTask(task, r);
            s.compensate(before);
            return wrapped;
        } catch (Throwable t) {
            return task;
        }
    }
}
