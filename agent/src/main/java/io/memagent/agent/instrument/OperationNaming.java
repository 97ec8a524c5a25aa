package io.memagent.agent.instrument;

import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.description.annotation.AnnotationList;
import net.bytebuddy.description.annotation.AnnotationValue;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;

/**
 * Operation names, as the SPEC defines them: the annotation's {@code name}, or
 * {@code SimpleClassName.methodName}. A type-level annotation's non-empty name replaces the
 * simple class name for that type's methods; a method's own non-empty name wins over both.
 */
final class OperationNaming {
    static final String ANNOTATION = "io.memagent.api.ProfileMemory";

    String name(TypeDescription type, MethodDescription method) {
        String own = annotationName(method.getDeclaredAnnotations());
        if (own != null && !own.isEmpty()) {
            return own;
        }
        String typeName = annotationName(type.getDeclaredAnnotations());
        String prefix = typeName != null && !typeName.isEmpty() ? typeName : simpleName(type);
        return prefix + "." + method.getName();
    }

    /** {@code @ProfileMemory(spikeMb)} in bytes, the method's own value first, else its type's; -1 if unset. */
    long spikeBytes(TypeDescription type, MethodDescription method) {
        long own = annotationLong(method.getDeclaredAnnotations(), "spikeMb");
        long mb = own > 0 ? own : annotationLong(type.getDeclaredAnnotations(), "spikeMb");
        return mb > 0 ? mb << 20 : -1;
    }

    private static long annotationLong(AnnotationList annotations, String attribute) {
        for (AnnotationDescription a : annotations) {
            if (a.getAnnotationType().getName().equals(ANNOTATION)) {
                try {
                    Object resolved = a.getValue(attribute).resolve();
                    return resolved instanceof Long ? Math.min((Long) resolved, 1L << 40) : -1;
                } catch (RuntimeException e) {
                    return -1; // an older API without the attribute, or unresolvable: the configured thresholds
                }
            }
        }
        return -1;
    }

    static String methodSignature(TypeDescription type, MethodDescription method) {
        return type.getName() + "#" + method.getInternalName() + method.getDescriptor();
    }

    static String simpleName(TypeDescription type) {
        String simple = type.getSimpleName();
        if (simple != null && !simple.isEmpty()) {
            return simple;
        }
        String n = type.getName();
        return n.substring(Math.max(n.lastIndexOf('.'), n.lastIndexOf('$')) + 1);
    }

    /** The annotation's {@code name} value; "" when absent or unset; null when not annotated. */
    private static String annotationName(AnnotationList annotations) {
        for (AnnotationDescription a : annotations) {
            if (a.getAnnotationType().getName().equals(ANNOTATION)) {
                try {
                    AnnotationValue<?, ?> v = a.getValue("name");
                    Object resolved = v == null ? null : v.resolve();
                    return resolved instanceof String ? (String) resolved : "";
                } catch (RuntimeException e) {
                    return ""; // the annotation type cannot be resolved: fall back to the default name
                }
            }
        }
        return null;
    }
}
