package io.memagent.webfluxapp;

/**
 * The arrays a request allocates, and the app's own reading of each: on the event loop
 * {@code n * LOOP_STEP} bytes, on the scheduler {@code n * WORKER_STEP + WORKER_BASE}; each reading is
 * the thread's counter over the allocation less what the agent allocated on the thread meanwhile.
 */
final class Segments {
    static final int LOOP_STEP = 131_072;
    static final int WORKER_STEP = 65_536;
    static final int WORKER_BASE = 1_000;

    private Segments() {
    }

    /** One segment's reading: the thread, and the bytes the app allocated there. */
    record Reading(String thread, long bytes, Object keep) {
    }

    static Reading loop(int n) {
        long raw = AppCounter.rawBytes();
        long agent = AppCounter.agentBytes();
        byte[] a = new byte[n * LOOP_STEP];
        long bytes = AppCounter.rawBytes() - raw - (AppCounter.agentBytes() - agent);
        return new Reading(Thread.currentThread().getName(), bytes, a);
    }

    static Reading worker(int n) {
        long raw = AppCounter.rawBytes();
        long agent = AppCounter.agentBytes();
        byte[] a = new byte[n * WORKER_STEP + WORKER_BASE];
        long bytes = AppCounter.rawBytes() - raw - (AppCounter.agentBytes() - agent);
        return new Reading(Thread.currentThread().getName(), bytes, a);
    }

    static String json(int n, Reading loop, Reading worker) {
        return "{\"n\":" + n + ",\"agent\":" + AppCounter.agentPresent()
                + ",\"loopThread\":\"" + loop.thread() + "\",\"loopBytes\":" + loop.bytes()
                + ",\"workerThread\":\"" + worker.thread() + "\",\"workerBytes\":" + worker.bytes() + "}";
    }
}
