package io.memagent.agent.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One row for one {@link Table}: it writes its own columns, in the table's order. */
public interface Row {
    Table table();

    void writeTo(CopyLine line);

    /**
     * The row's columns by name, in {@link Table#columns()} order, typed as
     * {@link CopyLine#capturing} says. Read from {@link #writeTo}, so every row type has it
     * without code of its own (the HTTP API serves spikes, leaks and alerts this way).
     */
    default Map<String, Object> values() {
        List<Object> v = new ArrayList<>(table().columns().size());
        writeTo(CopyLine.capturing(v));
        Map<String, Object> out = new LinkedHashMap<>();
        List<String> names = table().columns();
        for (int i = 0; i < names.size(); i++) {
            out.put(names.get(i), i < v.size() ? v.get(i) : null);
        }
        return out;
    }
}
