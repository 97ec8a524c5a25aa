package io.memagent.bootstrap;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;

/**
 * A reactive response's status code, read without linking against the framework: Spring's
 * {@code ServerHttpResponse#getStatusCode()} then its {@code value()} (an {@code HttpStatusCode} in
 * Spring 6+, an {@code HttpStatus} in 5), found once per response class through its public types and
 * kept as one method handle. Called when a request ends; what it allocates is the agent's (the
 * caller takes it off). Boot loader, JDK types only.
 */
final class ResponseStatus {
    private static final String GET_STATUS_CODE;
    private static final String VALUE;
    private static final MethodType INT_OF_OBJECT = MethodType.methodType(int.class, Object.class);
    private static final ClassValue<MethodHandle> READERS = new ClassValue<MethodHandle>() {
        @Override
        protected MethodHandle computeValue(Class<?> type) {
            return find(type);
        }
    };

    static {
        GET_STATUS_CODE = "getStatusCode";
        VALUE = "value";
    }

    private ResponseStatus() {
    }

    /** The status code, or -1 when there is none to read. */
    static int of(Object response) {
        if (response == null) {
            return -1;
        }
        try {
            MethodHandle reader = READERS.get(response.getClass());
            return reader == null ? -1 : (int) reader.invokeExact(response);
        } catch (Throwable t) {
            return -1; // no status set yet, or not a response this knows
        }
    }

    private static MethodHandle find(Class<?> type) {
        try {
            Method getter = publicMethod(type, GET_STATUS_CODE);
            Method value = getter == null ? null : publicMethod(getter.getReturnType(), VALUE);
            if (value == null || value.getReturnType() != int.class) {
                return null;
            }
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            return MethodHandles.filterReturnValue(lookup.unreflect(getter), lookup.unreflect(value))
                    .asType(INT_OF_OBJECT);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /** A no-argument public method as declared by a public class or interface of {@code type}. */
    private static Method publicMethod(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            Method m = declared(c, name);
            if (m != null) {
                return m;
            }
            for (Class<?> i : c.getInterfaces()) {
                Method fromInterface = publicMethod(i, name);
                if (fromInterface != null) {
                    return fromInterface;
                }
            }
        }
        return null;
    }

    private static Method declared(Class<?> c, String name) {
        if (!Modifier.isPublic(c.getModifiers())) {
            return null;
        }
        try {
            Method m = c.getDeclaredMethod(name);
            return Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()) ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }
}
