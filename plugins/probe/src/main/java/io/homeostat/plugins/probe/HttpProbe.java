package io.homeostat.plugins.probe;

import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.pf4j.Extension;

/**
 * {@code probe.http}: GETs {@code url} and reports {@code probe.success} (1 when the status is in
 * {@code expectStatus} and the body matches {@code bodyMatches}), {@code probe.latency_ms} and
 * {@code http.status}. A connection that fails or times out is {@code probe.success} 0.
 */
@Extension
public class HttpProbe implements Collector {
    /** Bodies are read up to this much for {@code bodyMatches}: a probe must not pull a large download. */
    static final int MAX_BODY = 64 * 1024;
    private final HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @Override
    public String id() {
        return "probe.http";
    }

    @Override
    public String description() {
        return "GET a URL: probe.success, probe.latency_ms, http.status (settings: url, expectStatus 200-399, bodyMatches, headers)";
    }

    @Override
    public List<String> validate(PluginSettings target) {
        List<String> problems = new ArrayList<>();
        try {
            URI url = URI.create(target.requiredString("url"));
            if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme()) || url.getHost() == null) {
                problems.add(target.path() + ".url must be an http or https URL with a host");
            }
            expected(target);
            target.string("bodyMatches").ifPresent(Pattern::compile);
            target.stringMap("headers");
        } catch (PatternSyntaxException e) {
            problems.add(target.path() + ".bodyMatches does not compile: " + e.getDescription());
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    /** {@code expectStatus}: "200", "200-399" (the default) or "200,204". */
    static int[][] expected(PluginSettings target) {
        String text = target.string("expectStatus").orElse("200-399");
        String[] parts = text.split(",");
        int[][] ranges = new int[parts.length][];
        for (int i = 0; i < parts.length; i++) {
            String[] bounds = parts[i].strip().split("-");
            try {
                int low = Integer.parseInt(bounds[0].strip());
                int high = bounds.length > 1 ? Integer.parseInt(bounds[1].strip()) : low;
                if (bounds.length > 2 || low < 100 || high > 599 || low > high) {
                    throw new NumberFormatException();
                }
                ranges[i] = new int[] {low, high};
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(target.path() + ".expectStatus must be statuses or ranges such as 200-399 or 200,204, was '"
                        + text + "'", e);
            }
        }
        return ranges;
    }

    @Override
    public List<Reading> collect(CollectorContext context) throws Exception {
        PluginSettings settings = context.settings();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(settings.requiredString("url"))).GET().timeout(context.remaining());
        settings.stringMap("headers").forEach((name, value) -> request.header(name, PluginSettings.withEnvironment(value)));
        long started = System.nanoTime();
        HttpResponse<java.io.InputStream> response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        String body;
        try (java.io.InputStream in = response.body()) {
            body = new String(in.readNBytes(MAX_BODY), java.nio.charset.StandardCharsets.UTF_8);
        }
        double latency = (System.nanoTime() - started) / 1_000_000.0;
        boolean statusOk = false;
        for (int[] range : expected(settings)) {
            statusOk |= response.statusCode() >= range[0] && response.statusCode() <= range[1];
        }
        boolean bodyOk = settings.string("bodyMatches").map(regex -> Pattern.compile(regex).matcher(body).find()).orElse(true);
        return List.of(Reading.of("probe.success", statusOk && bodyOk ? 1 : 0), Reading.of("probe.latency_ms", latency, "ms"),
                Reading.of("http.status", response.statusCode()));
    }

    @Override
    public List<Reading> failed(CollectorContext context, String cause) {
        return List.of(Reading.of("probe.success", 0));
    }
}
