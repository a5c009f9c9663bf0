package io.homeostat.service.execution;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.IssueReference;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.service.engine.facts.RemediationOutcome;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.RemediationRecord;
import io.homeostat.service.plugins.LoadedAction;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.store.RemediationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs remediations off the engine thread. A supervisor thread per remediation marks it running
 * (only if it is still pending: an attempt never runs twice), calls the plugin on a separate
 * thread with the plugin's class loader as context class loader, waits until the deadline, records
 * the result, and feeds the outcome back to the engine. A plugin that throws, hangs or returns
 * nothing is recorded as failed; a hung call's thread is abandoned, never waited for again.
 */
public final class RemediationExecutor implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(RemediationExecutor.class);

    private final PluginRegistry plugins;
    private final RemediationStore store;
    private final Consumer<RemediationOutcome> outcomes;
    private final Function<String, Duration> timeouts;
    private final Function<String, PluginSettings> settings;
    private final MetricRegistry metrics;
    private final ExecutorService supervisors;
    private final ExecutorService pluginCalls;
    private final AtomicInteger running = new AtomicInteger();

    public RemediationExecutor(PluginRegistry plugins, RemediationStore store, Consumer<RemediationOutcome> outcomes,
                               Function<String, Duration> timeouts, Function<String, PluginSettings> settings,
                               int maxConcurrent, MetricRegistry metrics) {
        this.plugins = Objects.requireNonNull(plugins, "plugins");
        this.store = Objects.requireNonNull(store, "store");
        this.outcomes = Objects.requireNonNull(outcomes, "outcomes");
        this.timeouts = Objects.requireNonNull(timeouts, "timeouts");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.supervisors = Executors.newFixedThreadPool(maxConcurrent, named("homeostat-remediation-"));
        this.pluginCalls = Executors.newCachedThreadPool(named("homeostat-plugin-call-"));
        metrics.gauge("homeostat.remediations.running", () -> running::get);
    }

    /** Queues a pending remediation; returns at once. */
    public void submit(RemediationRecord pending, DecisionRecord decision) {
        supervisors.execute(() -> run(pending, decision));
    }

    private void run(RemediationRecord pending, DecisionRecord decision) {
        Optional<LoadedAction> found = plugins.action(pending.actionId());
        if (found.isEmpty()) {
            finish(pending, false, "no loaded plugin provides " + pending.actionId(), Map.of(), Instant.now());
            return;
        }
        LoadedAction loaded = found.get();
        Instant started = Instant.now();
        if (!store.markRunning(pending.id(), loaded.pluginId(), started)) {
            LOG.warn("remediation {} is no longer pending; not running it again", pending.id());
            return;
        }
        running.incrementAndGet();
        try {
            Duration timeout = timeouts.apply(pending.actionId());
            ServiceActionContext context = new ServiceActionContext(pending.id(), pending.resource(),
                    new IssueReference(pending.issueId(), decision.issueType(), decision.severity(), pending.tenant()),
                    decision.parameters(), settings.apply(loaded.pluginId()), started.plus(timeout));
            Future<ActionResult> call = pluginCalls.submit(() -> callInPluginClassLoader(loaded, context));
            Map<String, String> details = new LinkedHashMap<>();
            boolean succeeded = false;
            String message;
            try {
                ActionResult result = call.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (result == null) {
                    message = pending.actionId() + " returned no result";
                } else {
                    succeeded = result.succeeded();
                    message = result.message();
                    details.putAll(result.details());
                }
            } catch (TimeoutException e) {
                call.cancel(true);
                metrics.counter("homeostat.remediations.timed_out").inc();
                message = pending.actionId() + " did not return within " + timeout.toMillis() + " ms; abandoned";
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                message = pending.actionId() + " threw " + cause.getClass().getSimpleName() + ": " + cause.getMessage();
                LOG.warn("remediation {} ({}) threw", pending.id(), pending.actionId(), cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                call.cancel(true);
                message = "interrupted while waiting for " + pending.actionId() + " (service stopping)";
            }
            List<String> lines = context.loggedLines();
            if (!lines.isEmpty()) {
                details.put("log", String.join("\n", lines));
            }
            finish(pending, succeeded, message, details, started);
        } catch (RuntimeException e) {
            LOG.error("remediation {} failed inside the executor", pending.id(), e);
            finish(pending, false, "executor error: " + e.getMessage(), Map.of(), started);
        } finally {
            running.decrementAndGet();
        }
    }

    private static ActionResult callInPluginClassLoader(LoadedAction loaded, ServiceActionContext context) throws Exception {
        Thread current = Thread.currentThread();
        ClassLoader previous = current.getContextClassLoader();
        current.setContextClassLoader(loaded.classLoader());
        try {
            return loaded.action().execute(context);
        } finally {
            current.setContextClassLoader(previous);
        }
    }

    private void finish(RemediationRecord pending, boolean succeeded, String message,
                        Map<String, String> details, Instant started) {
        Instant finished = Instant.now();
        long duration = Duration.between(started, finished).toMillis();
        String state = succeeded ? RemediationRecord.SUCCEEDED : RemediationRecord.FAILED;
        try {
            store.finish(pending.id(), state, message, details, finished, duration);
        } catch (RuntimeException e) {
            // The outcome still reaches the engine so that the resource is not held forever.
            LOG.error("could not record the outcome of remediation {}", pending.id(), e);
        }
        String metricAction = pending.actionId().replaceAll("[^A-Za-z0-9_]", "_");
        metrics.counter("homeostat.remediations." + metricAction + "." + state).inc();
        metrics.timer("homeostat.remediations.duration").update(Duration.ofMillis(duration));
        LOG.info("remediation {} {} on {}: {} ({} ms)", pending.id(), state, pending.resource(), message, duration);
        outcomes.accept(new RemediationOutcome(pending.decisionId(), pending.issueId(), pending.tenant(), pending.resource(),
                pending.actionId(), succeeded, message, finished.toEpochMilli()));
    }

    @Override
    public void start() {
        // Threads start lazily with the first remediation.
    }

    @Override
    public void stop() throws InterruptedException {
        supervisors.shutdown();
        if (!supervisors.awaitTermination(30, TimeUnit.SECONDS)) {
            supervisors.shutdownNow();
        }
        pluginCalls.shutdownNow();
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
