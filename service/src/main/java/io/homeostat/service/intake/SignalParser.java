package io.homeostat.service.intake;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.homeostat.service.engine.facts.Signal;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads one JSON signal from a streaming parser into a {@link Signal}, or says precisely what is
 * wrong with it. Streaming (no intermediate JSON tree) because intake shares two cores with the
 * engine. Strict on purpose: an unknown field is usually a typo that would silently lose data.
 */
public final class SignalParser {
    private static final int MAX_LABELS = 32;
    private static final int MAX_TEXT = 256;

    private final Duration maxFutureSkew;
    private final Duration maxAge;
    private final Canonicalizer names = new Canonicalizer(200_000);

    public SignalParser(Duration maxFutureSkew, Duration maxAge) {
        this.maxFutureSkew = maxFutureSkew;
        this.maxAge = maxAge;
    }

    /** The outcome for one element of a batch: a signal, or the reason it was rejected. */
    public record Parsed(Signal signal, String error) {
        static Parsed rejected(String error) {
            return new Parsed(null, error);
        }

        public boolean isOk() {
            return signal != null;
        }
    }

    /**
     * Parses the element at the parser's current token and leaves the parser on its last token,
     * whether or not the element is valid, so that the next element can be read.
     *
     * @param keyTenant the tenant of the API key that sent it, or null for an all-tenants key (then
     *                  the signal's own {@code tenant}, or "default"); a signal naming another tenant
     *                  is rejected, never rewritten
     */
    public Parsed parse(JsonParser parser, Instant now, long receivedNanos, String keyTenant) throws IOException {
        if (parser.currentToken() != JsonToken.START_OBJECT) {
            parser.skipChildren();
            return Parsed.rejected("a signal must be a JSON object");
        }
        String resource = null;
        String metric = null;
        Double value = null;
        String time = null;
        String unit = null;
        String source = null;
        String tenant = null;
        Map<String, String> labels = Map.of();
        String error = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            JsonToken token = parser.nextToken();
            if (error != null) {
                parser.skipChildren();
                continue;
            }
            switch (field) {
                case "resource" -> {
                    resource = text(parser, token);
                    error = resource == null ? "'resource' is required and must be a string such as \"service:checkout\"" : null;
                }
                case "metric" -> {
                    metric = text(parser, token);
                    error = metric == null ? "'metric' is required and must be a string" : null;
                }
                case "value" -> {
                    if (token == JsonToken.VALUE_NUMBER_INT || token == JsonToken.VALUE_NUMBER_FLOAT) {
                        value = parser.getDoubleValue();
                    } else {
                        error = "'value' is required and must be a JSON number";
                    }
                }
                case "time" -> {
                    time = text(parser, token);
                    error = time == null && token != JsonToken.VALUE_NULL
                            ? "'time' must be an ISO-8601 string such as \"2026-11-22T10:15:30Z\"" : null;
                }
                case "unit", "source", "tenant" -> {
                    String text = text(parser, token);
                    if ((text == null && token != JsonToken.VALUE_NULL) || (text != null && text.length() > MAX_TEXT)) {
                        error = "'" + field + "' must be a string of at most " + MAX_TEXT + " characters";
                    } else if (field.equals("unit")) {
                        unit = text;
                    } else if (field.equals("source")) {
                        source = text;
                    } else {
                        tenant = text;
                    }
                }
                case "labels" -> {
                    if (token == JsonToken.START_OBJECT) {
                        Map<String, String> read = new LinkedHashMap<>();
                        error = readLabels(parser, read);
                        labels = read;
                    } else if (token != JsonToken.VALUE_NULL) {
                        parser.skipChildren();
                        error = "'labels' must be an object of strings";
                    }
                }
                default -> {
                    parser.skipChildren();
                    error = "unknown field '" + abbreviate(field) + "' (known: resource, metric, value, time, unit, source, labels, tenant)";
                }
            }
        }
        if (error != null) {
            return Parsed.rejected(error);
        }
        if (keyTenant != null) {
            if (tenant != null && !tenant.equals(keyTenant)) {
                return Parsed.rejected("'tenant' \"" + abbreviate(tenant) + "\" is not this key's tenant (\"" + keyTenant
                        + "\"): leave it out or send it with a key of that tenant");
            }
            tenant = keyTenant;
        }
        return build(resource, metric, value, time, unit, source, tenant, labels, now, receivedNanos);
    }

    private Parsed build(String resource, String metric, Double value, String time, String unit, String source, String tenant,
                         Map<String, String> labels, Instant now, long receivedNanos) {
        if (resource == null) {
            return Parsed.rejected("'resource' is required and must be a string such as \"service:checkout\"");
        }
        String problem = unwritableField("resource", resource);
        problem = problem != null ? problem : unwritableField("metric", metric);
        problem = problem != null ? problem : unwritableField("unit", unit);
        problem = problem != null ? problem : unwritableField("source", source);
        problem = problem != null ? problem : unwritableField("tenant", tenant);
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (problem == null) {
                problem = unwritableField("label name", label.getKey());
            }
            if (problem == null) {
                problem = unwritableField("labels." + abbreviate(printable(label.getKey())), label.getValue());
            }
        }
        if (problem != null) {
            return Parsed.rejected(problem);
        }
        if (!Names.isResource(resource)) {
            return Parsed.rejected("'resource' must look like kind:name (lower-case kind, e.g. \"host:web-3\"), was \""
                    + abbreviate(resource) + "\"");
        }
        if (metric == null || !Names.isMetric(metric)) {
            return Parsed.rejected("'metric' is required: letters, digits, '_', '.', ':' or '-', at most 128 characters");
        }
        if (value == null) {
            return Parsed.rejected("'value' is required and must be a JSON number");
        }
        if (!Double.isFinite(value)) {
            return Parsed.rejected("'value' must be a finite number");
        }
        Instant observed = now;
        if (time != null) {
            try {
                observed = OffsetDateTime.parse(time).toInstant();
            } catch (DateTimeParseException e) {
                return Parsed.rejected("'time' is not ISO-8601 with an offset (e.g. \"2026-11-22T10:15:30Z\"): \"" + abbreviate(time) + "\"");
            }
            if (observed.isAfter(now.plus(maxFutureSkew))) {
                return Parsed.rejected("'time' " + abbreviate(time) + " is more than " + maxFutureSkew.toSeconds() + " s in the future");
            }
            if (observed.isBefore(now.minus(maxAge))) {
                return Parsed.rejected("'time' " + abbreviate(time) + " is more than " + maxAge.toSeconds()
                        + " s in the past (intake.maxAge)");
            }
        }
        if (tenant != null && !Names.isTenant(tenant)) {
            return Parsed.rejected("'tenant' must be lower-case letters, digits, '_' or '-', at most 64 characters");
        }
        return new Parsed(new Signal(tenant == null ? "default" : names.canonical(tenant), names.canonical(resource),
                names.canonical(metric), value, observed.toEpochMilli(), names.canonical(unit), names.canonical(source), labels,
                receivedNanos), null);
    }

    private static String readLabels(JsonParser parser, Map<String, String> labels) throws IOException {
        String error = null;
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String name = parser.currentName();
            JsonToken token = parser.nextToken();
            if (error != null) {
                parser.skipChildren();
            } else if (token != JsonToken.VALUE_STRING || parser.getText().length() > MAX_TEXT) {
                parser.skipChildren();
                error = "label '" + abbreviate(name) + "' must be a string of at most " + MAX_TEXT + " characters";
            } else if (labels.size() == MAX_LABELS) {
                error = "'labels' has more than " + MAX_LABELS + " entries";
            } else {
                labels.put(name, parser.getText());
            }
        }
        return error;
    }

    private static String text(JsonParser parser, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            return parser.getText();
        }
        parser.skipChildren();
        return null;
    }

    private static String unwritableField(String field, String text) {
        if (text == null) {
            return null;
        }
        String why = unwritable(text);
        return why == null ? null : "'" + field + "' " + why;
    }

    /** The text with anything unprintable replaced by '?', for error messages. */
    private static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) || Character.isSurrogate(c) ? '?' : c);
        }
        return out.toString();
    }

    /**
     * Why a text cannot be taken, or null: control characters (a CR/LF in a name forges log lines)
     * and unpaired surrogates (not text at all: they cannot be written as UTF-8, and once broke the
     * recorder for every later signal).
     */
    static String unwritable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isISOControl(c)) {
                return "holds a control character (U+" + String.format("%04X", (int) c) + ") at position " + i;
            }
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return "holds an unpaired surrogate (U+" + String.format("%04X", (int) c) + ") at position " + i + ": not valid Unicode text";
            }
        }
        return null;
    }

    private static String abbreviate(String text) {
        String shown = printable(text);
        return shown.length() <= 80 ? shown : shown.substring(0, 77) + "...";
    }
}
