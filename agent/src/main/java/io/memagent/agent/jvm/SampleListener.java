package io.memagent.agent.jvm;

/**
 * What the sampler calls with every sample, on its thread (the state alerts, the recommender, the detectors).
 * An interface of its own rather than a {@code Consumer} made of method references: a reference is a class the
 * JDK generates at the agent's start, and the agent's start makes none it can avoid (performance.md, start-up).
 */
public interface SampleListener {
    void onSample(JvmSample sample);
}
