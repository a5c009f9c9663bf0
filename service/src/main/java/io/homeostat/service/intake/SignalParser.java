package io.homeostat.service.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.engine.facts.Signal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns one JSON signal into a {@link Signal}, or says precisely what is wrong with it. Strict on
 * purpose: an unknown field is usually a typo that would otherwise silently lose information.
 */
public final class SignalParser {
    static final Set<String> FIELDS = Set.of("resource", "metric", "value", "time", "unit", "source", "labels", "tenant");
    private static final Pattern RESOURCE = Pattern.compile("[a-z][a-z0-9_.-]{0,63}:\\S.{0,447}");
    private static final Pattern METRIC = Pattern.compile("[A-Za-z_][A-Za-z0-9_.:-]{0,127}");
    private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final int MAX_LABELS = 32;
    private static final int MAX_TEXT = 256;

    private final Clock clock;
    private final Duration maxFutureSkew;

    public SignalParser(Clock clock, Duration maxFutureSkew) {
        this.clock = clock;
        this.maxFutureSkew = maxFutureSkew;
    }

    /** The outcome for one element of a batch: a signal, or the reason it was rejected. */
    public record Parsed(Signal signal, String error) {
        static Parsed ok(Signal signal) {
            return new Parsed(signal, null);
        }

        static Parsed rejected(String error) {
            return new Parsed(null, error);
        }

        public boolean isOk() {
            return signal != null;
        }
    }

    public Parsed parse(JsonNode node, long receivedNanos) {
        if (node == null || !node.isObject()) {
            return Parsed.rejected("a signal must be a JSON object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                return Parsed.rejected("unknown field '" + name + "' (known: resource, metric, value, time, unit, source, labels, tenant)");
            }
        }
        JsonNode resource = node.get("resource");
        if (resource == null || !resource.isTextual()) {
            return Parsed.rejected("'resource' is required and must be a string such as \"service:checkout\"");
        }
        if (!RESOURCE.matcher(resource.asText()).matches()) {
            return Parsed.rejected("'resource' must look like kind:name (lower-case kind, e.g. \"host:web-3\"), was \""
                    + abbreviate(resource.asText()) + "\"");
        }
        JsonNode metric = node.get("metric");
        if (metric == null || !metric.isTextual() || !METRIC.matcher(metric.asText()).matches()) {
            return Parsed.rejected("'metric' is required: letters, digits, '_', '.', ':' or '-', at most 128 characters");
        }
        JsonNode value = node.get("value");
        if (value == null || !value.isNumber()) {
            return Parsed.rejected("'value' is required and must be a JSON number");
        }
        double number = value.asDouble();
        if (!Double.isFinite(number)) {
            return Parsed.rejected("'value' must be a finite number");
        }
        Instant now = clock.instant();
        Instant time = now;
        JsonNode timeNode = node.get("time");
        if (timeNode != null && !timeNode.isNull()) {
            if (!timeNode.isTextual()) {
                return Parsed.rejected("'time' must be an ISO-8601 string such as \"2026-11-22T10:15:30Z\"");
            }
            try {
                time = OffsetDateTime.parse(timeNode.asText()).toInstant();
            } catch (DateTimeParseException e) {
                return Parsed.rejected("'time' is not ISO-8601 with an offset (e.g. \"2026-11-22T10:15:30Z\"): \""
                        + abbreviate(timeNode.asText()) + "\"");
            }
            if (time.isAfter(now.plus(maxFutureSkew))) {
                return Parsed.rejected("'time' " + time + " is more than " + maxFutureSkew.toSeconds() + " s in the future");
            }
        }
        String tenant = "default";
        JsonNode tenantNode = node.get("tenant");
        if (tenantNode != null && !tenantNode.isNull()) {
            if (!tenantNode.isTextual() || !TENANT.matcher(tenantNode.asText()).matches()) {
                return Parsed.rejected("'tenant' must be lower-case letters, digits, '_' or '-', at most 64 characters");
            }
            tenant = tenantNode.asText();
        }
        String unit;
        String source;
        try {
            unit = optionalText(node, "unit");
            source = optionalText(node, "source");
        } catch (IllegalArgumentException e) {
            return Parsed.rejected(e.getMessage());
        }
        Map<String, String> labels = new LinkedHashMap<>();
        JsonNode labelsNode = node.get("labels");
        if (labelsNode != null && !labelsNode.isNull()) {
            if (!labelsNode.isObject()) {
                return Parsed.rejected("'labels' must be an object of strings");
            }
            if (labelsNode.size() > MAX_LABELS) {
                return Parsed.rejected("'labels' has " + labelsNode.size() + " entries; at most " + MAX_LABELS + " are allowed");
            }
            for (Iterator<Map.Entry<String, JsonNode>> fields = labelsNode.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> label = fields.next();
                if (!label.getValue().isTextual() || label.getValue().asText().length() > MAX_TEXT) {
                    return Parsed.rejected("label '" + abbreviate(label.getKey()) + "' must be a string of at most " + MAX_TEXT + " characters");
                }
                labels.put(label.getKey(), label.getValue().asText());
            }
        }
        return Parsed.ok(new Signal(tenant, resource.asText(), metric.asText(), number, time.toEpochMilli(), unit, source,
                labels, receivedNanos));
    }

    private static String optionalText(JsonNode node, String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual() || value.asText().length() > MAX_TEXT) {
            throw new IllegalArgumentException("'" + field + "' must be a string of at most " + MAX_TEXT + " characters");
        }
        return value.asText();
    }

    private static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
