package io.homeostat.plugins.http;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fills {@code {{name}}} placeholders from the call's facts. Placeholder values come from signals,
 * so each is escaped for where it lands: URL encoded in URLs, JSON-escaped in bodies. (Secrets in
 * headers, {@code ${env:NAME}}, are the plugin API's {@code PluginSettings.withEnvironment}.)
 */
final class Templates {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([a-zA-Z0-9_.]+)\\s*}}");

    private Templates() {
    }

    static String url(String template, Map<String, String> values) {
        return fill(template, values, value -> URLEncoder.encode(value, StandardCharsets.UTF_8));
    }

    static String body(String template, Map<String, String> values) {
        return fill(template, values, Templates::jsonEscape);
    }

    private static String fill(String template, Map<String, String> values, java.util.function.UnaryOperator<String> escape) {
        Matcher matcher = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = values.get(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("unknown placeholder {{" + matcher.group(1) + "}}; known: " + values.keySet());
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(escape.apply(value)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    static String jsonEscape(String value) {
        StringBuilder out = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
