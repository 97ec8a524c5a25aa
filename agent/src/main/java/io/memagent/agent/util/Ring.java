package io.memagent.agent.util;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/** A bounded, thread-safe history: the oldest entry falls off when a new one arrives at capacity. */
public final class Ring<T> {
    private final int capacity;
    private final ArrayDeque<T> items;

    public Ring(int capacity) {
        this.capacity = capacity;
        this.items = new ArrayDeque<>(capacity);
    }

    public synchronized void add(T item) {
        if (items.size() == capacity) {
            items.removeFirst();
        }
        items.addLast(item);
    }

    /** A copy, oldest first. */
    public synchronized List<T> list() {
        return new ArrayList<>(items);
    }

    public synchronized T last() {
        return items.peekLast();
    }

    public synchronized int size() {
        return items.size();
    }
}
