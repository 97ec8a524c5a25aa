package io.memagent.agent.store;

/** One row for one {@link Table}: it writes its own columns, in the table's order. */
public interface Row {
    Table table();

    void writeTo(CopyLine line);
}
