package io.homeostat.service.alertmanager;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher as Alertmanager writes them: {@code name="value"}, {@code name!="value"},
 * {@code name=~"regex"}, {@code name!~"regex"}. Regular expressions match the whole value, and a
 * label that is absent has the empty value, as in Alertmanager.
 */
public final class LabelMatcher {
    private static final Pattern SYNTAX = Pattern.compile("\\s*([a-zA-Z_][a-zA-Z0-9_]*)\\s*(=~|!~|!=|=)\\s*\"((?:[^\"\\\\]|\\\\.)*)\"\\s*");

    private final String label;
    private final String operator;
    private final String value;
    private final Pattern regex;

    private LabelMatcher(String label, String operator, String value) {
        this.label = label;
        this.operator = operator;
        this.value = value;
        this.regex = operator.endsWith("~") ? Pattern.compile(value) : null;
    }

    /** Parses one matcher; a mistake is an {@link IllegalArgumentException} that says what is wrong. */
    public static LabelMatcher parse(String text) {
        Objects.requireNonNull(text, "matcher");
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a matcher: write label=\"value\", label!=\"value\", "
                    + "label=~\"regex\" or label!~\"regex\"");
        }
        String value = m.group(3).replace("\\\"", "\"").replace("\\\\", "\\");
        try {
            return new LabelMatcher(m.group(1), m.group(2), value);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("'" + text + "': the regular expression does not compile: " + e.getDescription(), e);
        }
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.getOrDefault(label, "");
        return switch (operator) {
            case "=" -> actual.equals(value);
            case "!=" -> !actual.equals(value);
            case "=~" -> regex.matcher(actual).matches();
            default -> !regex.matcher(actual).matches();
        };
    }

    @Override
    public String toString() {
        return label + operator + "\"" + value + "\"";
    }
}
