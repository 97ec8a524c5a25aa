package io.memagent.agent.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One {@code memagent.*} key, typed ({@link Keys} holds them all): its default, what it means, and
 * how a raw string becomes a {@code T}. Every parser names the key, the value and what is accepted
 * when it refuses.
 */
public final class Property<T> {
    interface Parser<T> {
        T parse(String key, String raw) throws ConfigException;

        /** A key's default, a constant of {@link Keys}: the tests check every one with {@link #parse}. */
        default T parseDefault(String key, String def) throws ConfigException {
            return parse(key, def);
        }
    }

    private final String key;
    private final String defaultValue; // null: no default
    private final String meaning;
    private final boolean secret;
    private final Parser<T> parser;
    private final String accepted;

    private Property(String key, String defaultValue, String accepted, String meaning, boolean secret, Parser<T> parser) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.accepted = accepted;
        this.meaning = meaning;
        this.secret = secret;
        this.parser = parser;
    }

    public String key() {
        return key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String meaning() {
        return meaning;
    }

    public String accepted() {
        return accepted;
    }

    public boolean secret() {
        return secret;
    }

    T parse(String raw) throws ConfigException {
        return parser.parse(key, raw);
    }

    /** The default, parsed; only for a key that has one ({@link #defaultValue()} not null). */
    T parseDefault() throws ConfigException {
        return parser.parseDefault(key, defaultValue);
    }

    static String show(String raw) {
        raw = io.memagent.agent.util.Secrets.mask(raw);
        return raw.length() > 200 ? "'" + raw.substring(0, 200) + "...' (" + raw.length() + " chars)" : "'" + raw + "'";
    }

    static ConfigException bad(String key, String raw, String accepted) {
        return new ConfigException(key + " = " + show(raw) + " is not valid: expected " + accepted);
    }

    // The parsers are classes of their own, not lambdas: the configuration is read on premain's thread, and each
    // lambda is a class the JDK generates there (performance.md, start-up).

    static Property<Boolean> bool(String key, boolean def, String meaning) {
        return new Property<>(key, String.valueOf(def), BoolParser.ACCEPTED, meaning, false, new BoolParser());
    }

    static Property<Long> longRange(String key, Long def, long min, long max, String meaning) {
        LongRangeParser parser = new LongRangeParser(min, max);
        return new Property<>(key, def == null ? null : String.valueOf(def), parser.accepted, meaning, false, parser);
    }

    static Property<String> text(String key, String def, String meaning, boolean secret) {
        return new Property<>(key, def, TextParser.ACCEPTED, meaning, secret, new TextParser());
    }

    /** A text value that must match {@code regex} (compiled when a value is parsed, not at the agent's start). */
    static Property<String> matching(String key, String def, String regex, String acc, String meaning) {
        return new Property<>(key, def, acc, meaning, false, new MatchingParser(regex, acc));
    }

    private static final class BoolParser implements Parser<Boolean> {
        static final String ACCEPTED = "true or false";

        @Override
        public Boolean parse(String key, String raw) throws ConfigException {
            String v = raw.trim().toLowerCase(Locale.ROOT);
            if (v.equals("true")) {
                return Boolean.TRUE;
            }
            if (v.equals("false")) {
                return Boolean.FALSE;
            }
            throw bad(key, raw, ACCEPTED);
        }
    }

    private static final class LongRangeParser implements Parser<Long> {
        private final long min;
        private final long max;
        final String accepted;

        LongRangeParser(long min, long max) {
            this.min = min;
            this.max = max;
            this.accepted = "a whole number from " + min + " to " + max;
        }

        @Override
        public Long parse(String key, String raw) throws ConfigException {
            long v;
            try {
                v = Long.parseLong(raw.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw bad(key, raw, accepted);
            }
            if (v < min || v > max) {
                throw bad(key, raw, accepted);
            }
            return v;
        }
    }

    private static final class TextParser implements Parser<String> {
        static final String ACCEPTED = "a non-empty string";

        @Override
        public String parse(String key, String raw) throws ConfigException {
            if (raw.trim().isEmpty()) {
                throw new ConfigException(key + " is empty: expected " + ACCEPTED);
            }
            return raw.trim();
        }
    }

    private static final class MatchingParser implements Parser<String> {
        private final String regex;
        private final String accepted;

        MatchingParser(String regex, String accepted) {
            this.regex = regex;
            this.accepted = accepted;
        }

        @Override
        public String parse(String key, String raw) throws ConfigException {
            String v = raw.trim();
            if (!Pattern.matches(regex, v)) {
                throw bad(key, raw, accepted);
            }
            return v;
        }

        /** Not matched: a default is a constant, and compiling its pattern cost every start about 2 ms. */
        @Override
        public String parseDefault(String key, String def) {
            return def.trim();
        }
    }

    static <T> Property<T> custom(String key, String def, String acc, String meaning, Parser<T> parser) {
        return new Property<>(key, def, acc, meaning, false, parser);
    }
}
