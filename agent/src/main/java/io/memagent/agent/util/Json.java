package io.memagent.agent.util;

import java.util.Map;

/** The little JSON the agent writes before (and without) Jackson: flat string maps. */
public final class Json {
    private Json() {
    }

    /** A JSON string; NUL and unpaired surrogates (which jsonb refuses) as visible escapes, see {@link Names#storable}. */
    public static String string(String s) {
        s = Names.storable(s);
        StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    public static String object(Map<String, String> map) {
        StringBuilder sb = new StringBuilder("{");
        for (Map.Entry<String, String> e : map.entrySet()) {
            if (sb.length() > 1) {
                sb.append(',');
            }
            sb.append(string(e.getKey())).append(':').append(string(e.getValue()));
        }
        return sb.append('}').toString();
    }
}
