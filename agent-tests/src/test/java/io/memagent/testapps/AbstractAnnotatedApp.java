package io.memagent.testapps;

import io.memagent.api.ProfileMemory;

/**
 * {@code @ProfileMemory} on an interface method and on an abstract method: the agent says once,
 * for each, that it cannot measure them, and profiles the annotated implementation as usual.
 */
public class AbstractAnnotatedApp {
    static volatile Object sink;

    interface Parser {
        @ProfileMemory
        Object parse(String s);
    }

    abstract static class Base {
        @ProfileMemory
        abstract Object build();
    }

    static final class Impl extends Base implements Parser {
        @Override
        public Object parse(String s) {
            return s.length();
        }

        @ProfileMemory
        @Override
        Object build() {
            return new byte[10];
        }
    }

    public static void main(String[] args) {
        Impl impl = new Impl();
        for (int i = 0; i < 3; i++) {
            sink = impl.parse("x");
            sink = impl.build();
        }
        Truth.print("done", 1);
    }
}
