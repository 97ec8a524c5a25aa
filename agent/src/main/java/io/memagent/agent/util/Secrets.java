package io.memagent.agent.util;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.regex.Pattern;

/**
 * The one masking function for secrets, used by every log line ({@link AgentLog}), exception
 * message the agent reports, {@code /api/memory/config}, {@code agent_runs.config} and the
 * {@code report} CLI.
 *
 * <p>A JDBC URL is read the way pgjdbc reads it: user info in the authority
 * ({@code //user:secret@host}) and parameters after {@code ?} split only on {@code &}, so a
 * value runs to the next {@code &} whatever it holds ({@code ;} included). Every parameter whose
 * name holds {@code password}, {@code passphrase}, {@code secret} or {@code token}
 * ({@code password}, {@code sslpassword}, an sslkey passphrase, ...) is masked, also in text that
 * is not a valid URL (a value already masked, {@code ****} then a quote, bracket or space, is left as
 * it is, so masking twice changes nothing). The values of {@code memagent.jdbc.password} and {@code memagent.http.token}
 * are also masked wherever they appear verbatim (a driver's message quoting them).
 */
public final class Secrets {
    public static final String MASK = "****";
    /** Compiled on first use, not when the agent's start first logs a line (which rarely holds a credential). */
    private static final class Patterns {
        static final Pattern USER_INFO = Pattern.compile("(?i)(postgresql:(?://)?)[^/?\\s]*@");
        static final Pattern CREDENTIAL = Pattern.compile(
                "(?i)((?:^|[?&;,\\s])[^=&?;,\\s]*(?:password|passphrase|secret|token)[^=&?\\s]*=)(?!\\*{4}(?:[&\\s'\")]|$))[^&\\s]*");
    }
    private static final Set<String> VALUES = new CopyOnWriteArraySet<>();

    private Secrets() {
    }

    /** Remembers a secret value (4 characters or more) to mask wherever it appears verbatim. */
    public static void register(String value) {
        if (value != null && value.length() >= 4) {
            VALUES.add(value);
        }
    }

    /** Remembers every credential value inside a JDBC URL (see {@link #register}). */
    public static void registerFrom(String url) {
        if (url == null) {
            return;
        }
        java.util.regex.Matcher m = Patterns.CREDENTIAL.matcher(url);
        while (m.find()) {
            register(m.group().substring(m.group(1).length()));
        }
        java.util.regex.Matcher u = Patterns.USER_INFO.matcher(url);
        while (u.find()) {
            String info = u.group().substring(u.group(1).length(), u.group().length() - 1);
            int colon = info.indexOf(':');
            if (colon >= 0) {
                register(info.substring(colon + 1));
            }
        }
    }

    /** A JDBC URL, or any text holding one, with every credential masked. */
    public static String mask(String text) {
        if (text == null) {
            return null;
        }
        String s = text;
        // Each pattern runs only on text holding what it needs (a cheap scan first, a superset of the pattern's).
        if (mentions(s, "postgresql:")) {
            s = Patterns.USER_INFO.matcher(s).replaceAll("$1" + MASK + "@");
        }
        if (s.indexOf('=') >= 0 && (mentions(s, "password") || mentions(s, "passphrase") || mentions(s, "secret")
                || mentions(s, "token"))) {
            s = Patterns.CREDENTIAL.matcher(s).replaceAll("$1" + MASK);
        }
        for (String v : VALUES) {
            s = s.replace(v, MASK);
        }
        return s;
    }

    /** Whether {@code word} (lower case) appears in {@code text}, in any case. */
    private static boolean mentions(String text, String word) {
        for (int i = 0, last = text.length() - word.length(); i <= last; i++) {
            if (text.regionMatches(true, i, word, 0, word.length())) {
                return true;
            }
        }
        return false;
    }
}
