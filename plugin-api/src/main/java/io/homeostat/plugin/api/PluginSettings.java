package io.homeostat.plugin.api;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A read-only view of a plugin's section of the service configuration. Every accessor that meets
 * a wrong type or value throws {@link IllegalArgumentException} naming the full configuration path,
 * so that the operator knows which line of config.yml to fix.
 */
public final class PluginSettings {
    private static final Pattern ENVIRONMENT = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)}");
    private final String path;
    private final Map<String, Object> values;

    /** A view of {@code values}; keys whose value is null (an empty YAML entry) count as absent. */
    public PluginSettings(String path, Map<String, ?> values) {
        this.path = Objects.requireNonNull(path, "path");
        Map<String, Object> present = new LinkedHashMap<>();
        Objects.requireNonNull(values, "values").forEach((key, value) -> {
            if (key != null && value != null) {
                present.put(key, value);
            }
        });
        this.values = Map.copyOf(present);
    }

    public static PluginSettings empty(String path) {
        return new PluginSettings(path, Map.of());
    }

    /** The configuration path of this section, for messages. */
    public String path() {
        return path;
    }

    public Set<String> keys() {
        return values.keySet();
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** A nested section; empty when absent. */
    public PluginSettings section(String key) {
        Object value = values.get(key);
        String childPath = path + "." + quote(key);
        if (value == null) {
            return empty(childPath);
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw wrong(key, "a map");
        }
        Map<String, Object> copy = new LinkedHashMap<>();
        map.forEach((k, v) -> copy.put(String.valueOf(k), v));
        return new PluginSettings(childPath, copy);
    }

    public Optional<String> string(String key) {
        Object value = values.get(key);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map || value instanceof List) {
            throw wrong(key, "a string");
        }
        return Optional.of(value.toString());
    }

    public String requiredString(String key) {
        return string(key).orElseThrow(() -> new IllegalArgumentException(path + "." + quote(key) + " is required"));
    }

    public List<String> stringList(String key) {
        Object value = values.get(key);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw wrong(key, "a list of strings");
        }
        return list.stream().map(String::valueOf).toList();
    }

    /** A map of strings, such as headers or environment variables. */
    public Map<String, String> stringMap(String key) {
        PluginSettings section = section(key);
        Map<String, String> out = new LinkedHashMap<>();
        section.values.forEach((k, v) -> {
            if (v instanceof Map || v instanceof List) {
                throw section.wrong(k, "a string");
            }
            out.put(k, v.toString());
        });
        return Map.copyOf(out);
    }

    /**
     * {@code template} with every {@code ${env:NAME}} replaced by that environment variable, read at
     * the time of the call, so that secrets (a token in a header) never sit in config.yml. A
     * variable that is not set is an error that names it.
     *
     * @since 1.2.0
     */
    public static String withEnvironment(String template) {
        Matcher matcher = ENVIRONMENT.matcher(template);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            String value = System.getenv(matcher.group(1));
            if (value == null) {
                throw new IllegalArgumentException("environment variable " + matcher.group(1) + " is not set");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    public int integer(String key, int fallback, int min, int max) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get().trim());
            if (value < min || value > max) {
                throw wrong(key, "a whole number between " + min + " and " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw wrong(key, "a whole number between " + min + " and " + max);
        }
    }

    /** A duration given as a number of seconds (fractions allowed). */
    public Duration seconds(String key, Duration fallback) {
        Optional<String> text = string(key);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            double seconds = Double.parseDouble(text.get().trim());
            if (!(seconds >= 0) || Double.isInfinite(seconds)) {
                throw wrong(key, "a number of seconds >= 0");
            }
            return Duration.ofMillis(Math.round(seconds * 1000));
        } catch (NumberFormatException e) {
            throw wrong(key, "a number of seconds >= 0");
        }
    }

    private IllegalArgumentException wrong(String key, String expected) {
        return new IllegalArgumentException(path + "." + quote(key) + " must be " + expected + ", was '" + values.get(key) + "'");
    }

    private static String quote(String key) {
        return key.matches("[A-Za-z0-9_-]+") ? key : "\"" + key + "\"";
    }

    @Override
    public String toString() {
        return path + values.keySet();
    }
}
