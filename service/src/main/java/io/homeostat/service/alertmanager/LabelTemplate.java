package io.homeostat.service.alertmanager;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text with {@code {{labels.<name>}}} places, filled from an alert's labels:
 * {@code pod:{{labels.namespace}}/{{labels.pod}}}. Checked when the configuration loads; an alert
 * that lacks a label the template names cannot be filled ({@link #fill} says which).
 */
public final class LabelTemplate {
    private static final Pattern PLACE = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");
    private static final Pattern LABEL = Pattern.compile("labels\\.([a-zA-Z_][a-zA-Z0-9_]*)");

    private final String text;
    private final List<String> parts = new ArrayList<>();
    private final List<String> labels = new ArrayList<>();

    private LabelTemplate(String text) {
        this.text = text;
    }

    /** Parses a template; a place that is not {@code {{labels.<name>}}} is an {@link IllegalArgumentException}. */
    public static LabelTemplate parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the template is empty");
        }
        LabelTemplate template = new LabelTemplate(text);
        Matcher m = PLACE.matcher(text);
        int at = 0;
        while (m.find()) {
            Matcher label = LABEL.matcher(m.group(1));
            if (!label.matches()) {
                throw new IllegalArgumentException("'" + text + "': {{" + m.group(1) + "}} is not {{labels.<name>}}");
            }
            template.parts.add(text.substring(at, m.start()));
            template.labels.add(label.group(1));
            at = m.end();
        }
        String rest = text.substring(at);
        if (rest.contains("{{") || rest.contains("}}")) {
            throw new IllegalArgumentException("'" + text + "': an unclosed {{ or a stray }}");
        }
        template.parts.add(rest);
        return template;
    }

    /** The text with each place filled, or the name of the first label the alert lacks (empty counts as lacking). */
    public Filled fill(Map<String, String> values) {
        StringBuilder out = new StringBuilder(parts.get(0));
        for (int i = 0; i < labels.size(); i++) {
            String value = values.get(labels.get(i));
            if (value == null || value.isEmpty()) {
                return new Filled(Optional.empty(), labels.get(i));
            }
            out.append(value).append(parts.get(i + 1));
        }
        return new Filled(Optional.of(out.toString()), null);
    }

    /** A filled template, or the label that was missing. */
    public record Filled(Optional<String> text, String missingLabel) {
    }

    @Override
    public String toString() {
        return text;
    }
}
