package io.homeostat.service.config;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.homeostat.service.alertmanager.AlertIntake;
import io.homeostat.service.alertmanager.AlertMapper;
import io.homeostat.service.alertmanager.AlertMapping;
import io.homeostat.service.alertmanager.LabelMatcher;
import io.homeostat.service.alertmanager.LabelTemplate;
import io.homeostat.service.alertmanager.Receipts;
import io.homeostat.service.alertmanager.Severities;
import io.homeostat.service.intake.Intake;
import io.homeostat.service.store.AlertStore;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code alertmanager:} how Alertmanager's notifications ({@code POST /api/v1/alertmanager}) become
 * issues: mappings from label matchers to a resource id, an issue type, a severity and a hold-off.
 */
public class AlertmanagerFactory {
    /** The reporter recorded on the evidence an alert gives (the quorum gate counts reporters). */
    @NotBlank
    @JsonProperty
    private String source = "alertmanager";

    /** Tried in order; the first whose matchers all match an alert maps it. */
    @Valid
    @NotNull
    @JsonProperty
    private List<Mapping> mappings = new ArrayList<>();

    /** For an alert no mapping matches: the first of these that its labels fill names its resource. */
    @NotNull
    @JsonProperty
    private List<String> unmappedResources = new ArrayList<>(List.of("service:{{labels.job}}", "instance:{{labels.instance}}",
            "alert:{{labels.alertname}}"));

    /** How long an alert's last state is remembered to recognise resent notifications (Alertmanager's repeat_interval is 4 h by default). */
    @MinDuration(value = 1, unit = TimeUnit.MINUTES)
    @JsonProperty
    private Duration duplicateWindow = Duration.hours(24);

    /** How many alerts' states are remembered at most (the oldest go first). */
    @Min(100)
    @Max(10_000_000)
    @JsonProperty
    private int maxRemembered = 100_000;

    /** The most alerts one notification may carry (set max_alerts in the receiver to stay under it). */
    @Min(1)
    @Max(100_000)
    @JsonProperty
    private int maxAlertsPerNotification = 1_000;

    /** One mapping. */
    public static class Mapping {
        /** Alertmanager matchers, all of which must match: {@code alertname="InstanceDown"}, {@code severity=~"critical|page"}. */
        @NotNull
        @JsonProperty
        private List<String> matchers = new ArrayList<>();

        /** The resource id, a template over labels: {@code service:{{labels.job}}}. */
        @NotBlank
        @JsonProperty
        private String resource;

        /** The issue type the alert is evidence of (the rules' type: service_down, high_cpu, ...). */
        @NotBlank
        @JsonProperty
        private String issueType;

        /** info, low, medium, high or critical; absent: from the alert's severity label. */
        @JsonProperty
        private String severity;

        /** Act only if the alert still fires this long after it started. */
        @MinDuration(value = 0, unit = TimeUnit.SECONDS)
        @JsonProperty
        private Duration holdOff = Duration.seconds(0);
    }

    /** The mapper; a matcher, template or severity that does not parse stops start-up, naming its place. */
    public AlertMapper buildMapper() {
        List<AlertMapping> built = new ArrayList<>();
        for (int i = 0; i < mappings.size(); i++) {
            Mapping mapping = mappings.get(i);
            String at = "alertmanager.mappings[" + i + "]";
            List<LabelMatcher> matchers = new ArrayList<>();
            for (int m = 0; m < mapping.matchers.size(); m++) {
                try {
                    matchers.add(LabelMatcher.parse(mapping.matchers.get(m)));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(at + ".matchers[" + m + "]: " + e.getMessage(), e);
                }
            }
            if (mapping.severity != null && !Severities.NAMES.contains(mapping.severity)) {
                throw new IllegalArgumentException(at + ".severity: '" + mapping.severity + "' is not one of " + Severities.NAMES);
            }
            if (mapping.issueType.length() > 128) {
                throw new IllegalArgumentException(at + ".issueType: at most 128 characters");
            }
            try {
                built.add(new AlertMapping(matchers, LabelTemplate.parse(mapping.resource), mapping.issueType, mapping.severity,
                        mapping.holdOff.toJavaDuration()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(at + ".resource: " + e.getMessage(), e);
            }
        }
        List<LabelTemplate> fallbacks = new ArrayList<>();
        for (int i = 0; i < unmappedResources.size(); i++) {
            try {
                fallbacks.add(LabelTemplate.parse(unmappedResources.get(i)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("alertmanager.unmappedResources[" + i + "]: " + e.getMessage(), e);
            }
        }
        return new AlertMapper(built, fallbacks);
    }

    /** Alertmanager intake behind {@code gates}, into its ingress; remembers the alerts the store kept from before a restart. */
    public AlertIntake build(Intake gates, AlertStore alerts, MetricRegistry metrics) {
        Receipts receipts = new Receipts(maxRemembered, duplicateWindow.toJavaDuration());
        receipts.load(alerts.since(Instant.now().minus(duplicateWindow.toJavaDuration()), maxRemembered));
        return new AlertIntake(buildMapper(), receipts, gates.ingress(), gates, Clock.systemUTC(), source, maxAlertsPerNotification, metrics);
    }

    /** How long the store keeps an alert no notification has mentioned. */
    public java.time.Duration getDuplicateWindow() {
        return duplicateWindow.toJavaDuration();
    }
}
