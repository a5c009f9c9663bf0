package io.homeostat.service.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import io.homeostat.service.HomeostatConfiguration;
import io.homeostat.service.collection.CollectorScheduler;
import io.homeostat.service.engine.Engine;
import io.homeostat.service.engine.WindowSchedule;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.intake.Intake;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.telemetry.Telemetry;
import com.codahale.metrics.MetricRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Applies the configuration file again without a restart, where that is safe: the policy numbers and
 * windows ({@code policy}, {@code tenants}) and the collector targets ({@code collectors.targets}).
 * The whole file is parsed and validated first, and the new policy, windows and targets are built and
 * checked (every target's collector loaded and accepting its settings); any problem rejects the reload
 * with its path and nothing changes. Other changed settings are named as needing a restart and left
 * as they run.
 */
public final class ConfigReload {
    /** Top-level sections (and one nested) that can change while the service runs. */
    private static final Set<String> LIVE = Set.of("policy", "tenants", "collectors.targets");

    /** What a reload did: the changed paths applied, and those left for a restart. */
    public record Outcome(List<String> applied, List<String> needRestart) {
    }

    /** What a reload acts on, as the service was built. */
    public record Parts(Engine engine, AtomicReference<PolicySettings> policy, CollectorScheduler collectors, PluginRegistry plugins,
                        Inbox inbox, Intake intake, MetricRegistry metrics, Telemetry telemetry) {
    }

    private final ConfigurationFactory<HomeostatConfiguration> factory;
    private final ConfigurationSourceProvider source;
    private final String path;
    private final Parts parts;
    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private JsonNode running;

    public ConfigReload(ConfigurationFactory<HomeostatConfiguration> factory, ConfigurationSourceProvider source, String path, Parts parts)
            throws IOException {
        this.factory = factory;
        this.source = source;
        this.path = path;
        this.parts = parts;
        this.running = tree();
    }

    public String path() {
        return path;
    }

    /** Reads, validates and applies the file; throws with every problem and its path when it cannot. */
    public synchronized Outcome reload() throws IOException {
        JsonNode next = tree();
        HomeostatConfiguration candidate;
        try {
            candidate = factory.build(source, path);
        } catch (ConfigurationException e) {
            throw new IllegalArgumentException(path + " was not applied: " + String.join("; ", e.getErrors()).strip(), e);
        }
        PolicySettings policy;
        List<WindowSchedule> windows;
        CollectorScheduler targets;
        try {
            policy = candidate.buildPolicy();
            windows = candidate.getPolicy().windows();
            targets = candidate.getCollectors().build(parts.plugins(), parts.intake(), parts.metrics(), parts.telemetry());
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(path + " was not applied: " + e.getMessage(), e);
        }
        List<String> problems;
        try {
            problems = targets.validate();
        } finally {
            targets.stop(); // only its targets are used: the candidate is never started, its plugin-call pool closes now
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(path + " was not applied: " + String.join("; ", problems));
        }

        List<String> changed = new ArrayList<>();
        differences("", running, next, changed);
        List<String> applied = new ArrayList<>();
        List<String> needRestart = new ArrayList<>();
        for (String change : changed) {
            (LIVE.stream().anyMatch(live -> change.equals(live) || change.startsWith(live + ".") || change.startsWith(live + "["))
                    ? applied : needRestart).add(change);
        }
        if (applied.stream().anyMatch(change -> change.startsWith("policy") || change.startsWith("tenants"))) {
            parts.policy().set(policy);
            parts.engine().changeSettings(policy, windows);
        }
        if (applied.stream().anyMatch(change -> change.startsWith("collectors.targets"))) {
            parts.collectors().replace(targets.targets());
        }
        // What runs now: the applied parts of the file; the others still as they started.
        running = merge(running, next, applied);
        return new Outcome(applied, needRestart);
    }

    private JsonNode tree() throws IOException {
        try (InputStream in = source.open(path)) {
            JsonNode tree = yaml.readTree(in);
            return tree == null ? yaml.createObjectNode() : tree;
        }
    }

    /** The paths at which two trees differ: object fields by name, arrays element by element (or whole when their sizes differ). */
    private static void differences(String at, JsonNode before, JsonNode after, List<String> into) {
        if (before != null && before.equals(after)) {
            return;
        }
        if (before != null && after != null && before.isObject() && after.isObject()) {
            Set<String> names = new LinkedHashSet<>();
            before.fieldNames().forEachRemaining(names::add);
            after.fieldNames().forEachRemaining(names::add);
            for (String name : names) {
                differences(at.isEmpty() ? name : at + "." + name, before.get(name), after.get(name), into);
            }
            return;
        }
        if (before != null && after != null && before.isArray() && after.isArray() && before.size() == after.size()) {
            for (int i = 0; i < before.size(); i++) {
                differences(at + "[" + i + "]", before.get(i), after.get(i), into);
            }
            return;
        }
        into.add(at);
    }

    /** {@code running} with the applied sections taken from {@code next} (whole top-level sections, or collectors.targets). */
    private JsonNode merge(JsonNode running, JsonNode next, List<String> applied) {
        com.fasterxml.jackson.databind.node.ObjectNode merged = running.deepCopy();
        for (String section : List.of("policy", "tenants")) {
            if (applied.stream().anyMatch(change -> change.equals(section) || change.startsWith(section + ".") || change.startsWith(section + "["))) {
                replace(merged, section, next.get(section));
            }
        }
        if (applied.stream().anyMatch(change -> change.startsWith("collectors.targets"))) {
            JsonNode collectors = merged.get("collectors");
            com.fasterxml.jackson.databind.node.ObjectNode into = collectors != null && collectors.isObject()
                    ? (com.fasterxml.jackson.databind.node.ObjectNode) collectors : merged.putObject("collectors");
            JsonNode targets = next.path("collectors").get("targets");
            replace(into, "targets", targets);
        }
        return merged;
    }

    private static void replace(com.fasterxml.jackson.databind.node.ObjectNode node, String field, JsonNode value) {
        if (value == null) {
            node.remove(field);
        } else {
            node.set(field, value.deepCopy());
        }
    }
}
