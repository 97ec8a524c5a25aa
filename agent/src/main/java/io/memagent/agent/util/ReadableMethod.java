package io.memagent.agent.util;

/**
 * A method as people write it: {@code io.acme.OrderService#place(Ljava/lang/String;[I)V} reads
 * {@code OrderService.place(String, int[])}. The tables keep the JVM's form ({@code method}, one key
 * per overload); the HTTP API shows this one beside it.
 */
public final class ReadableMethod {
    private ReadableMethod() {
    }

    /** {@code pkg.Class#name(descriptor)} made readable; anything else (a block's name, {@code (heap)}) unchanged. */
    public static String of(String method) {
        if (method == null) {
            return null;
        }
        int hash = method.indexOf('#');
        int open = method.indexOf('(', hash + 1);
        int close = method.indexOf(')', open + 1);
        if (hash < 0 || open < 0 || close < 0) {
            return method;
        }
        String owner = method.substring(0, hash);
        StringBuilder sb = new StringBuilder(owner.substring(owner.lastIndexOf('.') + 1)).append('.')
                .append(method, hash + 1, open).append('(');
        String desc = method.substring(open + 1, close);
        int i = 0;
        boolean first = true;
        while (i < desc.length()) {
            int dims = 0;
            while (i < desc.length() && desc.charAt(i) == '[') {
                dims++;
                i++;
            }
            if (i >= desc.length()) {
                return method;
            }
            String type;
            char c = desc.charAt(i);
            if (c == 'L') {
                int end = desc.indexOf(';', i);
                if (end < 0) {
                    return method;
                }
                String name = desc.substring(i + 1, end);
                type = name.substring(name.lastIndexOf('/') + 1).replace('$', '.');
                i = end + 1;
            } else {
                type = primitive(c);
                if (type == null) {
                    return method; // not a descriptor: "(name)", "(..)"
                }
                i++;
            }
            if (!first) {
                sb.append(", ");
            }
            first = false;
            sb.append(type).append("[]".repeat(dims));
        }
        return sb.append(')').toString();
    }

    private static final String PRIMITIVE_CODES = "ZBCSIJFD";
    private static final String[] PRIMITIVES = {"boolean", "byte", "char", "short", "int", "long", "float", "double"};

    /** A descriptor's primitive type code as its Java name, or null if {@code c} is none. */
    private static String primitive(char c) {
        int i = PRIMITIVE_CODES.indexOf(c);
        return i < 0 ? null : PRIMITIVES[i];
    }
}
