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

    static String show(String raw) {
        raw = io.memagent.agent.util.Secrets.mask(raw);
        return raw.length() > 200 ? "'" + raw.substring(0, 200) + "...' (" + raw.length() + " chars)" : "'" + raw + "'";
    }

    static ConfigException bad(String key, String raw, String accepted) {
        return new ConfigException(key + " = " + show(raw) + " is not valid: expected " + accepted);
    }

    static Property<Boolean> bool(String key, boolean def, String meaning) {
        String acc = "true or false";
        return new Property<>(key, String.valueOf(def), acc, meaning, false, (k, raw) -> {
            String v = raw.trim().toLowerCase(Locale.ROOT);
            if (v.equals("true")) {
                return Boolean.TRUE;
            }
            if (v.equals("false")) {
                return Boolean.FALSE;
            }
            throw bad(k, raw, acc);
        });
    }

    static Property<Long> longRange(String key, Long def, long min, long max, String meaning) {
        String acc = "a whole number from " + min + " to " + max;
        return new Property<>(key, def == null ? null : String.valueOf(def), acc, meaning, false, (k, raw) -> {
            long v;
            try {
                v = Long.parseLong(raw.trim().replace("_", ""));
            } catch (NumberFormatException e) {
                throw bad(k, raw, acc);
            }
            if (v < min || v > max) {
                throw bad(k, raw, acc);
            }
            return v;
        });
    }

    static Property<String> text(String key, String def, String meaning, boolean secret) {
        String acc = "a non-empty string";
        return new Property<>(key, def, acc, meaning, secret, (k, raw) -> {
            if (raw.trim().isEmpty()) {
                throw new ConfigException(k + " is empty: expected " + acc);
            }
            return raw.trim();
        });
    }

    static Property<String> matching(String key, String def, Pattern pattern, String acc, String meaning) {
        return new Property<>(key, def, acc, meaning, false, (k, raw) -> {
            String v = raw.trim();
            if (!pattern.matcher(v).matches()) {
                throw bad(k, raw, acc);
            }
            return v;
        });
    }

    static <T> Property<T> custom(String key, String def, String acc, String meaning, Parser<T> parser) {
        return new Property<>(key, def, acc, meaning, false, parser);
    }
}
