package io.homeostat.service.config;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.service.collection.CollectionTarget;
import io.homeostat.service.collection.CollectorScheduler;
import io.homeostat.service.intake.Intake;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.telemetry.Telemetry;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code collectors:} what the service observes itself: targets, each a collector of a loaded plugin
 * pointed at one resource, collected every {@code interval} off the engine thread.
 */
public class CollectorsFactory {
    /** Threads that run collections (a collection waits on its plugin call, at most its timeout). */
    @Min(1)
    @Max(64)
    @JsonProperty
    private int threads = 4;

    @Valid
    @NotNull
    @JsonProperty
    private List<Target> targets = new ArrayList<>();

    /** One target. */
    public static class Target {
        /** The collector's id ({@code probe.http}, {@code process.alive}, ...: {@code plugins list} shows them). */
        @NotBlank
        @JsonProperty
        private String collector;

        /** The resource its readings are of, {@code kind:name}. */
        @NotBlank
        @JsonProperty
        private String resource;

        @NotBlank
        @JsonProperty
        private String tenant = "default";

        @MinDuration(value = 100, unit = TimeUnit.MILLISECONDS)
        @JsonProperty
        private Duration interval = Duration.seconds(30);

        /** The collection's deadline; at most the interval. */
        @MinDuration(value = 10, unit = TimeUnit.MILLISECONDS)
        @JsonProperty
        private Duration timeout = Duration.seconds(10);

        /** The first collection starts at a random moment within this (unset: a tenth of the interval). */
        @JsonProperty
        private Duration jitter;

        /** Added to every reading (blast-radius groups, maintenance windows read labels). */
        @NotNull
        @JsonProperty
        private Map<String, String> labels = new LinkedHashMap<>();

        /** The collector's own settings (what to probe); each collector checks them at start-up. */
        @NotNull
        @JsonProperty
        private Map<String, Object> settings = new LinkedHashMap<>();
    }

    /**
     * The scheduler of every target. A target whose collector is not loaded, whose settings its collector
     * refuses, or whose timeout is longer than its interval stops start-up, named by its place in the list.
     */
    public CollectorScheduler build(PluginRegistry plugins, Intake gates, MetricRegistry metrics, Telemetry telemetry) {
        List<CollectionTarget> built = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < targets.size(); i++) {
            Target target = targets.get(i);
            String at = "collectors.targets[" + i + "]";
            if (target.timeout.toNanoseconds() > target.interval.toNanoseconds()) {
                problems.add(at + ".timeout: " + target.timeout + " is longer than its interval " + target.interval);
            }
            java.time.Duration jitter = target.jitter == null ? target.interval.toJavaDuration().dividedBy(10) : target.jitter.toJavaDuration();
            built.add(new CollectionTarget(i, target.collector, target.tenant, target.resource, target.interval.toJavaDuration(),
                    target.timeout.toJavaDuration(), jitter, target.labels, new PluginSettings(at + ".settings", target.settings)));
        }
        CollectorScheduler scheduler = new CollectorScheduler(plugins, built, gates.ingress(), gates, Clock.systemUTC(), threads, metrics, telemetry);
        problems.addAll(scheduler.validate());
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("collectors: " + String.join("; ", problems));
        }
        return scheduler;
    }
}
