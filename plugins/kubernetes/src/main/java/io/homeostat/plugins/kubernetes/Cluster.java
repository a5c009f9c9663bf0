package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.homeostat.plugin.api.PluginSettings;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How to reach one Kubernetes API server, from a {@code cluster} section ({@code url}, {@code token},
 * {@code caFile}, {@code insecureSkipTlsVerify}); without {@code url}, the kubeconfig or in-cluster
 * service account that kubectl would use.
 *
 * <p>A client is built for each call and closed after it: actions are rare, collections are seconds
 * apart, and a client kept between calls would keep HTTP threads holding the plugin's class loader
 * after the jar is replaced or removed.
 */
record Cluster(String path, Optional<String> url, Optional<String> token, Optional<String> caFile, boolean insecure) {

    static Cluster of(PluginSettings settings) {
        PluginSettings section = settings.section("cluster");
        Optional<String> url = section.string("url");
        url.ifPresent(text -> {
            URI uri;
            try {
                uri = URI.create(text);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(section.path() + ".url must be an http(s) URL, was '" + text + "'");
            }
            if (!("https".equals(uri.getScheme()) || "http".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException(section.path() + ".url must be an http(s) URL, was '" + text + "'");
            }
        });
        String insecure = section.string("insecureSkipTlsVerify").orElse("false");
        if (!insecure.equals("true") && !insecure.equals("false")) {
            throw new IllegalArgumentException(section.path() + ".insecureSkipTlsVerify must be true or false, was '" + insecure + "'");
        }
        return new Cluster(section.path(), url, section.string("token"), section.string("caFile"), insecure.equals("true"));
    }

    static List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        try {
            of(settings);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    /** A client whose every request ends within {@code remaining}; the token is read from the environment now, never stored. */
    KubernetesClient connect(Duration remaining) {
        int millis = (int) Math.max(1_000, Math.min(Integer.MAX_VALUE, remaining.toMillis()));
        Config config;
        if (url.isPresent()) {
            ConfigBuilder builder = new ConfigBuilder(Config.empty()).withMasterUrl(url.get()).withTrustCerts(insecure);
            token.ifPresent(secret -> builder.withOauthToken(PluginSettings.withEnvironment(secret)));
            caFile.ifPresent(builder::withCaCertFile);
            config = builder.withConnectionTimeout(millis).withRequestTimeout(millis).withRequestRetryBackoffLimit(0).build();
        } else {
            config = new ConfigBuilder(Config.autoConfigure(null)).withConnectionTimeout(millis).withRequestTimeout(millis)
                    .withRequestRetryBackoffLimit(0).build();
        }
        // The JDK's HTTP client, named here rather than found through ServiceLoader: the plugin bundles only this one.
        return new KubernetesClientBuilder().withHttpClientFactory(new JdkHttpClientFactory()).withConfig(config).build();
    }

    /** Where the API is, for messages: never the token. */
    String describe() {
        return url.orElse("the kubeconfig's cluster");
    }

    /** A refusal (4xx but a conflict or throttling) is final; no answer (code 0 or -1), a conflict, throttling or a server error may pass: retry soon. */
    static boolean transientFailure(KubernetesClientException e) {
        int code = e.getCode();
        return code <= 0 || code == 409 || code == 429 || code >= 500;
    }

    /** One line about a failed API call, with the status the server gave, never a stack trace or a header. */
    static String reason(KubernetesClientException e) {
        if (e.getCode() <= 0) {
            // No answer at all (fabric8 says -1 or 0). The JDK client wraps the reason in bare IOExceptions and ends the
            // chain with the channel's own ClosedChannelException: name the most specific reason between them.
            String reason = e.getClass().getSimpleName();
            for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
                if (cause.getClass() != java.io.IOException.class && !(cause instanceof java.nio.channels.ClosedChannelException)) {
                    reason = cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage().lines().findFirst().orElse(""));
                    break;
                }
                if (cause.getMessage() != null) {
                    reason = cause.getMessage().lines().findFirst().orElse(reason);
                }
            }
            return "could not be reached: " + reason;
        }
        String message = e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage()
                : e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
        return "HTTP " + e.getCode() + ": " + message;
    }
}
