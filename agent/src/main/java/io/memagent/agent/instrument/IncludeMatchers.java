package io.memagent.agent.instrument;

import io.memagent.agent.config.MethodPattern;
import java.util.List;
import net.bytebuddy.description.method.MethodDescription;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.matcher.ElementMatcher;

/**
 * The {@code memagent.include} patterns as the places that ask need them: by class name (the
 * pre-filter on raw bytes, and the classes loaded before an attach), by class and method name (the ASM weaver,
 * {@link AnnotatedClassWeaver}), and as Byte Buddy matchers of types and of methods. One place, so both weavers
 * profile the same methods.
 */
final class IncludeMatchers {
    private IncludeMatchers() {
    }

    /** Whether any pattern names this class (binary name, dots). */
    static boolean matchesClass(List<MethodPattern> includes, String className) {
        for (MethodPattern p : includes) {
            if (p.matchesClass(className)) {
                return true;
            }
        }
        return false;
    }

    /** The patterns that name this class (binary name, dots): none for most classes, so no list is made then. */
    static List<MethodPattern> forClass(List<MethodPattern> includes, String className) {
        List<MethodPattern> named = null;
        for (MethodPattern p : includes) {
            if (p.matchesClass(className)) {
                if (named == null) {
                    named = new java.util.ArrayList<>(includes.size());
                }
                named.add(p);
            }
        }
        return named == null ? List.of() : named;
    }

    /** Whether any of the patterns {@link #forClass} gave for a method's class matches the method's name. */
    static boolean matchesMethod(List<MethodPattern> namingTheClass, String methodName) {
        for (MethodPattern p : namingTheClass) {
            if (p.matchesMethod(methodName)) {
                return true;
            }
        }
        return false;
    }

    static ElementMatcher.Junction<TypeDescription> types(List<MethodPattern> includes) {
        return new IncludeTypeMatcher(includes);
    }

    static ElementMatcher.Junction<MethodDescription> methods(List<MethodPattern> includes) {
        return new IncludeMethodMatcher(includes);
    }

    private static final class IncludeTypeMatcher extends ElementMatcher.Junction.AbstractBase<TypeDescription> {
        private final List<MethodPattern> includes;

        IncludeTypeMatcher(List<MethodPattern> includes) {
            this.includes = includes;
        }

        @Override
        public boolean matches(TypeDescription target) {
            return matchesClass(includes, target.getName());
        }
    }

    private static final class IncludeMethodMatcher extends ElementMatcher.Junction.AbstractBase<MethodDescription> {
        private final List<MethodPattern> includes;

        IncludeMethodMatcher(List<MethodPattern> includes) {
            this.includes = includes;
        }

        @Override
        public boolean matches(MethodDescription target) {
            if (includes.isEmpty()) {
                return false;
            }
            String cls = target.getDeclaringType().asErasure().getName();
            for (MethodPattern p : includes) {
                if (p.matchesClass(cls) && p.matchesMethod(target.getName())) {
                    return true;
                }
            }
            return false;
        }
    }
}
