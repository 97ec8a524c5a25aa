package io.memagent.agent.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/**
 * One {@code memagent.include} entry, {@code Class#method}: {@code *} matches any run of
 * characters within a class name or a method name (it may cross package dots in the class part).
 */
public final class MethodPattern {
    /** The syntax checks, compiled when a pattern is parsed (not when the configuration's keys are made). */
    private static final class Syntax {
        static final Pattern CLASS_PART = Pattern.compile("[A-Za-z_$*][A-Za-z0-9_$.*]*");
        static final Pattern METHOD_PART = Pattern.compile("[A-Za-z_$*][A-Za-z0-9_$*]*");
    }
    static final String ACCEPTED = "';'-separated Class#method patterns, e.g. "
            + "com.acme.*Service#process*;com.fasterxml.jackson.databind.ObjectMapper#readTree "
            + "('*' matches any run of characters in a class or method name)";

    private final String source;
    private final Pattern classRegex;
    private final Pattern methodRegex;
    private final String classLiteralPrefix;

    private MethodPattern(String source, String classPart, String methodPart) {
        this.source = source;
        this.classRegex = toRegex(classPart);
        this.methodRegex = toRegex(methodPart);
        int star = classPart.indexOf('*');
        this.classLiteralPrefix = star < 0 ? classPart : classPart.substring(0, star);
    }

    /** {@link #parseList} as {@code memagent.include}'s parser (a class, not a method reference: see Property). */
    static final Property.Parser<List<MethodPattern>> LIST_PARSER = new Property.Parser<List<MethodPattern>>() {
        @Override
        public List<MethodPattern> parse(String key, String raw) throws ConfigException {
            return parseList(key, raw);
        }
    };

    static List<MethodPattern> parseList(String key, String raw) throws ConfigException {
        List<MethodPattern> out = new ArrayList<>();
        for (String part : raw.split(";", -1)) {
            String p = part.trim();
            if (p.isEmpty()) {
                if (raw.trim().isEmpty()) {
                    throw new ConfigException(key + " is empty: expected " + ACCEPTED);
                }
                continue; // tolerate a trailing ';'
            }
            int hash = p.indexOf('#');
            if (hash <= 0 || hash != p.lastIndexOf('#') || hash == p.length() - 1) {
                throw new ConfigException(key + " = " + Property.show(raw) + " is not valid: pattern '" + p
                        + "' needs exactly one '#' between a class and a method; expected " + ACCEPTED);
            }
            String cls = p.substring(0, hash);
            String m = p.substring(hash + 1);
            if (!Syntax.CLASS_PART.matcher(cls).matches() || cls.contains("..") || cls.endsWith(".")) {
                throw new ConfigException(key + " = " + Property.show(raw) + " is not valid: '" + cls
                        + "' is not a class name pattern; expected " + ACCEPTED);
            }
            if (!Syntax.METHOD_PART.matcher(m).matches()) {
                throw new ConfigException(key + " = " + Property.show(raw) + " is not valid: '" + m
                        + "' is not a method name pattern; expected " + ACCEPTED);
            }
            out.add(new MethodPattern(p, cls, m));
        }
        return Collections.unmodifiableList(out);
    }

    private static Pattern toRegex(String glob) {
        StringBuilder sb = new StringBuilder();
        for (String lit : glob.split("\\*", -1)) {
            if (sb.length() > 0) {
                sb.append(".*");
            }
            sb.append(Pattern.quote(lit));
        }
        return Pattern.compile(sb.toString());
    }

    /** {@code className} as {@code Class.getName()} spells it (dots, {@code $} for nested). */
    public boolean matchesClass(String className) {
        return className.startsWith(classLiteralPrefix) && classRegex.matcher(className).matches();
    }

    public boolean matchesMethod(String methodName) {
        return methodRegex.matcher(methodName).matches();
    }

    @Override
    public String toString() {
        return source;
    }
}
