package io.memagent.agent.docs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The calls of {@code AgentLog}'s methods in a source tree, with their message's string literals. */
final class LogCalls {
    private static final Pattern LITERAL = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

    private LogCalls() {
    }

    static List<LogCall> in(Path root, String... methods) throws IOException {
        Pattern call = Pattern.compile("AgentLog\\.(" + String.join("|", methods) + ")\\(");
        List<LogCall> out = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src;
                try {
                    src = Files.readString(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                Matcher m = call.matcher(src);
                while (m.find()) {
                    String args = arguments(src, m.end());
                    String message = args;
                    if (m.group(1).endsWith("AtMostEvery")) {
                        message = afterTopLevelCommas(args, 2);
                    } else if (m.group(1).equals("once")) {
                        message = afterTopLevelCommas(args, 1);
                    }
                    List<String> literals = new ArrayList<>();
                    Matcher l = LITERAL.matcher(message);
                    while (l.find()) {
                        literals.add(l.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
                    }
                    int line = (int) src.substring(0, m.start()).chars().filter(ch -> ch == '\n').count() + 1;
                    out.add(new LogCall(root.relativize(f) + ":" + line, m.group(1), literals));
                }
            }
        }
        return out;
    }

    /** The text between the parenthesis opened just before {@code from} and its match. */
    private static String arguments(String src, int from) {
        int end = topLevel(src, from, ')', 1);
        if (end < 0) {
            throw new IllegalStateException("unbalanced call at " + from);
        }
        return src.substring(from, end);
    }

    private static String afterTopLevelCommas(String args, int commas) {
        int at = topLevel(args, 0, ',', commas);
        return at < 0 ? args : args.substring(at + 1);
    }

    /** Where the n-th {@code target} is, outside string literals and nested parentheses; -1 if nowhere. */
    private static int topLevel(String s, int from, char target, int n) {
        int depth = 0;
        boolean inString = false;
        for (int i = from; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (depth == 0 && c == target && --n == 0) {
                return i;
            } else if (c == '(') {
                depth++;
            } else if (c == ')') {
                depth--;
            }
        }
        return -1;
    }
}
