package io.homeostat.plugins.prometheus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.pf4j.Extension;

/**
 * {@code prometheus.query}: evaluates {@code query} (PromQL) at Prometheus's {@code url} now, and
 * reports each series of the answer as the reading {@code metric}, of the resource {@code resource}
 * makes from its labels ({@code service:{{labels.job}}}; no template: the target's resource), with
 * the series' labels. A series that lacks a label the template needs is left out (counted as
 * {@code prometheus.series_unmapped}); a query Prometheus refuses, or no answer, is
 * {@code prometheus.up} 0.
 */
@Extension
public class PrometheusQuery implements Collector {
    private static final Pattern PLACE = Pattern.compile("\\{\\{\\s*labels\\.([a-zA-Z_][a-zA-Z0-9_]*)\\s*}}");
    private static final int MAX_SERIES = 10_000;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final ObjectMapper json = new ObjectMapper();

    @Override
    public String id() {
        return "prometheus.query";
    }

    @Override
    public String description() {
        return "PromQL over Prometheus's HTTP API: one reading per series (settings: url, query, metric, resource template, headers)";
    }

    @Override
    public List<String> validate(PluginSettings target) {
        List<String> problems = new ArrayList<>();
        try {
            URI url = URI.create(target.requiredString("url"));
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                problems.add(target.path() + ".url must be Prometheus's http or https base URL");
            }
            target.requiredString("query");
            target.requiredString("metric");
            target.string("resource").ifPresent(template -> {
                String rest = PLACE.matcher(template).replaceAll("");
                if (rest.contains("{{") || rest.contains("}}")) {
                    throw new IllegalArgumentException(target.path() + ".resource: only {{labels.<name>}} may stand in it, was '" + template
                            + "'");
                }
            });
            target.stringMap("headers");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @Override
    public List<Reading> collect(CollectorContext context) throws IOException, InterruptedException {
        PluginSettings settings = context.settings();
        String base = settings.requiredString("url").replaceAll("/+$", "");
        URI uri = URI.create(base + "/api/v1/query?query=" + URLEncoder.encode(settings.requiredString("query"), StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(context.remaining());
        settings.stringMap("headers").forEach((name, value) -> request.header(name, PluginSettings.withEnvironment(value)));
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode answer = json.readTree(response.body());
        if (response.statusCode() != 200 || !"success".equals(answer.path("status").asText())) {
            throw new IOException("Prometheus answered " + response.statusCode() + ": " + answer.path("error").asText(response.body()));
        }
        String metric = settings.requiredString("metric");
        String template = settings.string("resource").orElse(null);
        JsonNode data = answer.path("data");
        List<Reading> readings = new ArrayList<>();
        if ("scalar".equals(data.path("resultType").asText())) {
            readings.add(Reading.of(metric, value(data.path("result"))));
        } else {
            int unmapped = 0;
            for (JsonNode series : data.path("result")) {
                if (readings.size() >= MAX_SERIES) {
                    break;
                }
                Map<String, String> labels = new LinkedHashMap<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = series.path("metric").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> label = it.next();
                    labels.put(label.getKey(), label.getValue().asText());
                }
                String resource = template == null ? null : fill(template, labels);
                if (template != null && resource == null) {
                    unmapped++;
                    continue;
                }
                double value = value(series.path("value"));
                if (!Double.isFinite(value)) {
                    continue;
                }
                labels.remove("__name__");
                readings.add(new Reading(resource, metric, value, null, labels));
            }
            readings.add(Reading.of("prometheus.series_unmapped", unmapped));
        }
        readings.add(Reading.of("prometheus.up", 1));
        return readings;
    }

    @Override
    public List<Reading> failed(CollectorContext context, String cause) {
        return List.of(Reading.of("prometheus.up", 0));
    }

    /** [time, "value"] as Prometheus writes a sample. */
    private static double value(JsonNode sample) {
        try {
            return Double.parseDouble(sample.path(1).asText());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** The template with its labels filled, or null when the series lacks one. */
    static String fill(String template, Map<String, String> labels) {
        Matcher m = PLACE.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = labels.get(m.group(1));
            if (value == null || value.isEmpty()) {
                return null;
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return out.toString();
    }
}
