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
        return operationName(null, annotationName(type.getDeclaredAnnotations()), simpleName(type), method.getName());
    }

    /**
     * The naming rules, on the annotations' {@code name} values however they were read (Byte Buddy's
     * descriptions here, the class file in {@link AnnotatedClassWeaver}): null or "" when a level has
     * none.
     */
    static String operationName(String methodsName, String typesName, String simpleClassName, String methodName) {
        if (methodsName != null && !methodsName.isEmpty()) {
            return methodsName;
        }
        String prefix = typesName != null && !typesName.isEmpty() ? typesName : simpleClassName;
        return prefix + "." + methodName;
    }

    /** {@code @ProfileMemory(spikeMb)} in bytes, the method's own value first, else its type's; -1 if unset. */
    long spikeBytes(TypeDescription type, MethodDescription method) {
        long own = annotationLong(method.getDeclaredAnnotations(), "spikeMb");
        return spikeBytes(own, own > 0 ? -1 : annotationLong(type.getDeclaredAnnotations(), "spikeMb"));
    }

    /** The spike rule on the two levels' {@code spikeMb} values (-1 or less: unset), for both weavers. */
    static long spikeBytes(long methodsMb, long typesMb) {
        long mb = methodsMb > 0 ? methodsMb : typesMb;
        return mb > 0 ? Math.min(mb, 1L << 40) << 20 : -1;
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
        return simpleNameOf(type.getName());
    }

    /** A binary name's simple name when the class file says none: after the last '.' or '$'. */
    static String simpleNameOf(String binaryName) {
        return binaryName.substring(Math.max(binaryName.lastIndexOf('.'), binaryName.lastIndexOf('$')) + 1);
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
