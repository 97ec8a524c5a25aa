package io.memagent.agent.instrument;

import java.util.Locale;

/**
 * {@code DB.<VERB>.<first table>} from a SQL text, e.g. {@code DB.SELECT.users}, by a cheap scan
 * (no parser): the first keyword is the verb; the table is the identifier after {@code FROM}
 * (SELECT, DELETE), {@code INTO} (INSERT, MERGE) or the verb itself (UPDATE); DDL (CREATE, DROP,
 * ALTER, TRUNCATE) is named by what it makes, kind and name, {@code DB.CREATE INDEX vets_last_name},
 * {@code DB.ALTER TABLE orders}, so an index is never read as a table. Leading comments
 * and blanks are skipped; quotes around identifiers are dropped. What it cannot name becomes
 * {@code DB.<VERB>}, or {@code DB.EXECUTE} for no text at all.
 */
final class SqlOperationName {
    private SqlOperationName() {
    }

    static String of(String sql) {
        int i = skipBlanksAndComments(sql, 0, true);
        int end = wordEnd(sql, i);
        if (end == i) {
            return "DB.EXECUTE";
        }
        String verb = sql.substring(i, end).toUpperCase(Locale.ROOT);
        String table;
        switch (verb) {
            case "SELECT":
            case "DELETE":
                table = identifierAfter(sql, end, "FROM");
                break;
            case "INSERT":
            case "MERGE":
                table = identifierAfter(sql, end, "INTO");
                break;
            case "UPDATE":
                table = identifierAt(sql, skipBlanksAndComments(sql, end, false));
                break;
            case "CREATE":
            case "DROP":
            case "ALTER":
            case "TRUNCATE":
                String object = ddlObject(verb, sql, end);
                return object == null ? "DB." + verb : "DB." + verb + " " + object;
            default:
                table = null;
        }
        return table == null || table.isEmpty() ? "DB." + verb : "DB." + verb + "." + table;
    }

    /** Words between a DDL verb and the object it names: {@code CREATE UNIQUE INDEX IF NOT EXISTS}. */
    private static final java.util.Set<String> DDL_WORDS = java.util.Set.of("OR", "REPLACE", "TEMP", "TEMPORARY",
            "UNLOGGED", "GLOBAL", "LOCAL", "UNIQUE", "MATERIALIZED", "CONCURRENTLY", "IF", "NOT", "EXISTS", "ONLY",
            "ON");
    /** The kinds of object a DDL statement makes, changes or drops: the name says which. */
    private static final java.util.Set<String> DDL_KINDS = java.util.Set.of("TABLE", "INDEX", "VIEW", "SEQUENCE",
            "SCHEMA", "FUNCTION", "PROCEDURE", "TRIGGER", "TYPE", "EXTENSION", "DATABASE", "USER", "ROLE");

    /**
     * What a DDL statement makes, changes or drops, kind and name: {@code INDEX vets_last_name} in
     * {@code CREATE INDEX vets_last_name ON vets (last_name)}, {@code TABLE orders} in {@code TRUNCATE orders},
     * {@code INDEX ON orders} for an index without a name. Null when no object follows.
     */
    private static String ddlObject(String verb, String sql, int from) {
        String kind = verb.equals("TRUNCATE") ? "TABLE" : null;
        boolean on = false;
        int i = skipBlanksAndComments(sql, from, false);
        while (i < sql.length()) {
            int end = wordEnd(sql, i);
            String word = sql.substring(i, end).toUpperCase(Locale.ROOT);
            if (end > i && DDL_KINDS.contains(word) && !on) {
                kind = word;
            } else if (end == i || !DDL_WORDS.contains(word)) {
                String object = identifierAt(sql, i);
                if (object == null) {
                    return null;
                }
                return (kind == null ? "" : kind + " ") + (on ? "ON " : "") + object;
            } else if (word.equals("ON")) {
                on = true;
            }
            i = skipBlanksAndComments(sql, end, false);
        }
        return null;
    }

    /** The identifier after the first top-level {@code keyword} (outside quotes and parentheses). */
    private static String identifierAfter(String sql, int from, String keyword) {
        int depth = 0;
        int i = from;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                i = sql.indexOf('\'', i + 1);
                if (i < 0) {
                    return null;
                }
                i++;
            } else if (c == '(') {
                depth++;
                i++;
            } else if (c == ')') {
                depth--;
                i++;
            } else if (Character.isLetter(c)) {
                int end = wordEnd(sql, i);
                if (depth == 0 && end - i == keyword.length() && sql.regionMatches(true, i, keyword, 0, end - i)) {
                    return identifierAt(sql, skipBlanksAndComments(sql, end, false));
                }
                i = end;
            } else {
                i++;
            }
        }
        return null;
    }

    /** {@code schema.table}, {@code "Table"} or {@code table} at {@code i}; null if a subquery or nothing. */
    private static String identifierAt(String sql, int i) {
        StringBuilder sb = new StringBuilder();
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '"' || c == '`' || c == '[' || c == ']') {
                i++;
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$' || c == '.') {
                sb.append(c);
                i++;
            } else {
                break;
            }
        }
        return sb.length() == 0 ? null : sb.toString();
    }

    private static int wordEnd(String s, int i) {
        int n = s.length();
        while (i < n && (Character.isLetter(s.charAt(i)) || s.charAt(i) == '_')) {
            i++;
        }
        return i;
    }

    /** @param parentheses also skip '(' (before the verb: "(SELECT ...)"; not before a table: a subquery) */
    private static int skipBlanksAndComments(String s, int i, boolean parentheses) {
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || (parentheses && c == '(')) {
                i++;
            } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
                int nl = s.indexOf('\n', i);
                i = nl < 0 ? n : nl + 1;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else {
                break;
            }
        }
        return i;
    }
}
