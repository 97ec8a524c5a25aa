package io.memagent.bootstrap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** The {@code VarHandle} of a field, for the static initializers of the classes that own one. */
final class VarHandles {
    private VarHandles() {
    }

    /** {@code lookup}: the owning class's own ({@code MethodHandles.lookup()}), which may see its private fields. */
    static VarHandle field(MethodHandles.Lookup lookup, String name, Class<?> type) {
        try {
            return lookup.findVarHandle(lookup.lookupClass(), name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }
}
