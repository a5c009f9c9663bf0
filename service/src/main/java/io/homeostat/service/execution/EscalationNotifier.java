package io.homeostat.service.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.IssueReference;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.service.model.EscalationDelivery;
import io.homeostat.service.model.EscalationRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.plugins.LoadedAction;
import io.homeostat.service.plugins.PluginCaller;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.store.Store;
import io.homeostat.service.telemetry.Telemetry;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers escalations through the configured channels, notify actions (by default {@code notify.webhook}
 * alone; {@code execution.escalationActions} lists several): builds the JSON payload (the escalation, the
 * issue, its decisions with their explanations and its remediation attempts) from the store, calls each
 * channel's action on its own thread with retries of transient failures, and records each channel's
 * delivery; a channel that has it is never sent it again, one that failed is tried again. Runs after the escalation is committed,
 * so a crash can delay a delivery but never lose the escalation: at start-up, what is still
 * pending, and failed deliveries of unresolved issues, are sent again; while running, failed ones
 * are tried again every {@code execution.escalationRedelivery} until sent or their issue resolves.
 */
public final class EscalationNotifier implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(EscalationNotifier.class);

    private final PluginRegistry plugins;
    private final Store store;
    private final ObjectMapper mapper;
    private final List<String> channels;
    private final Function<String, PluginSettings> settings;
    private final Function<String, Duration> timeouts;
    private final Function<String, Integer> retries;
    private final Duration backoff;
    private final Telemetry telemetry;
    private final PluginCaller caller = new PluginCaller();
    private final ExecutorService senders = Executors.newSingleThreadExecutor(PluginCaller.named("homeostat-escalation-"));
    private final ScheduledExecutorService redelivery = Executors.newSingleThreadScheduledExecutor(PluginCaller.named("homeostat-redelivery-"));
    private final Duration redeliveryInterval;
    /** Escalations queued for the sender and not yet finished: a redelivery never queues one twice. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();
    /** True while this replica leads: only the leader sends again what is undelivered (docs/SCALE-OUT.md); each replica sends its own new ones. */
    private final java.util.function.BooleanSupplier leads;

    public EscalationNotifier(PluginRegistry plugins, Store store, ObjectMapper mapper, List<String> channels,
                              Function<String, PluginSettings> settings, Function<String, Duration> timeouts, Function<String, Integer> retries,
                              Duration backoff, Duration redeliveryInterval, Telemetry telemetry, java.util.function.BooleanSupplier leads) {
        this.leads = leads;
        this.telemetry = telemetry;
        this.plugins = plugins;
        this.store = store;
        this.mapper = mapper;
        this.channels = List.copyOf(channels);
        this.settings = settings;
        this.timeouts = timeouts;
        // execution.maxRetries / actionRetries for each channel's action, like any other action.
        this.retries = retries;
        this.backoff = backoff;
        this.redeliveryInterval = redeliveryInterval;
    }

    public void submit(EscalationRecord escalation) {
        if (!queued.add(escalation.id())) {
            return;
        }
        senders.execute(() -> {
            try {
                deliver(escalation);
            } finally {
                queued.remove(escalation.id());
            }
        });
    }

    /** Each channel that does not have it yet (a redelivery skips the ones that do). */
    private void deliver(EscalationRecord escalation) {
        Set<String> done = new java.util.HashSet<>();
        try {
            for (EscalationDelivery delivery : store.escalations().deliveries(escalation.id())) {
                if (EscalationRecord.SENT.equals(delivery.state())) {
                    done.add(delivery.channel());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not read the deliveries of escalation {}: sending to every channel: {}", escalation.id(), e.toString());
        }
        String payload;
        try {
            payload = payload(escalation);
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.error("escalation {} of issue {} could not be prepared", escalation.id(), escalation.issueId(), e);
            for (String channel : channels) {
                if (!done.contains(channel)) {
                    record(escalation, channel, EscalationRecord.FAILED, "notifier error: " + e.getMessage());
                }
            }
            return;
        }
        // Read once for every channel: the plugins' issue reference and the delivery metrics both carry it.
        String severity = store.issues().find(escalation.issueId()).map(IssueRecord::severity).orElse("unknown");
        for (String channel : channels) {
            if (!done.contains(channel)) {
                deliver(escalation, channel, payload, severity);
            }
        }
    }

    private void deliver(EscalationRecord escalation, String channel, String payload, String severity) {
        try (LogIds ids = LogIds.of(escalation, channel)) {
            deliverLogged(escalation, channel, payload, severity);
        }
    }

    private void deliverLogged(EscalationRecord escalation, String channel, String payload, String severity) {
        String state;
        String message;
        try {
            Optional<LoadedAction> loaded = plugins.action(channel);
            if (loaded.isEmpty()) {
                state = EscalationRecord.FAILED;
                message = "no loaded plugin provides " + channel + "; the escalation is only recorded";
            } else {
                IssueReference issue = new IssueReference(escalation.issueId(), escalation.issueType(), severity, escalation.tenant());
                Duration timeout = timeouts.apply(channel);
                ActionResult result;
                loaded.get().enter();
                try {
                    result = PluginCaller.retrying(retries.apply(channel) + 1, backoff, () -> {
                        ServiceActionContext context = new ServiceActionContext(escalation.id(), escalation.resource(), issue,
                                Map.of("payload", payload), settings.apply(loaded.get().pluginId()), Instant.now().plus(timeout),
                                () -> true); // a notification changes nothing on the resource: it needs no lease
                        return caller.action(loaded.get(), channel, timeout, () -> loaded.get().action().execute(context));
                    }, () -> { }).result();
                } finally {
                    loaded.get().exit();
                }
                state = result.succeeded() ? EscalationRecord.SENT : EscalationRecord.FAILED;
                message = result.message();
            }
        } catch (RuntimeException e) {
            LOG.error("escalation {} of issue {} could not be delivered through {}", escalation.id(), escalation.issueId(), channel, e);
            state = EscalationRecord.FAILED;
            message = "notifier error: " + e.getMessage();
        }
        LOG.warn("escalated issue {} ({} on {}): {} — delivery through {} {}: {}", escalation.issueId(), escalation.issueType(),
                escalation.resource(), escalation.reason(), channel, state, message);
        telemetry.escalationDelivered(severity, channel, state);
        record(escalation, channel, state, message);
    }

    private void record(EscalationRecord escalation, String channel, String state, String message) {
        try {
            store.escalations().deliveredTo(escalation.id(), channel, state, message, Instant.now(), channels);
        } catch (RuntimeException e) {
            LOG.error("could not record the delivery of escalation {} through {}", escalation.id(), channel, e);
        }
    }

    private String payload(EscalationRecord escalation) throws JsonProcessingException {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("escalation", escalation);
        payload.put("issue", store.issues().find(escalation.issueId()).orElse(null));
        payload.put("decisions", store.decisions().forIssue(escalation.issueId()));
        payload.put("attempts", store.remediations().forIssue(escalation.issueId()));
        return mapper.writeValueAsString(payload);
    }

    /**
     * Sends again what the last run left undelivered ({@link io.homeostat.service.store.EscalationStore#undelivered}).
     * Started before the engine, so no escalation of this run can be picked up twice.
     */
    @Override
    public void start() {
        for (EscalationRecord escalation : leads.getAsBoolean() ? store.escalations().undelivered() : List.<EscalationRecord>of()) {
            LOG.info("escalation {} of issue {} ({} on {}) was left {}: delivering it again", escalation.id(), escalation.issueId(),
                    escalation.issueType(), escalation.resource(), escalation.state());
            submit(escalation);
        }
        long every = redeliveryInterval.toMillis();
        redelivery.scheduleWithFixedDelay(this::redeliverFailed, every, every, TimeUnit.MILLISECONDS);
    }

    /**
     * Tries failed deliveries of unresolved issues again, and pending ones older than the redelivery interval: those
     * are not this run's in flight (it sends its own at once) but were left by a replica that died before sending, or
     * by this one's earlier run when it did not lead at start-up.
     */
    private void redeliverFailed() {
        if (!leads.getAsBoolean()) {
            return;
        }
        try {
            java.time.Instant before = java.time.Instant.now().minus(redeliveryInterval);
            for (EscalationRecord escalation : store.escalations().undelivered()) {
                if (EscalationRecord.FAILED.equals(escalation.state())
                        || EscalationRecord.PENDING.equals(escalation.state()) && escalation.createdAt().isBefore(before)) {
                    submit(escalation);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not look for undelivered escalations: {}", e.toString());
        }
    }

    @Override
    public void stop() throws InterruptedException {
        redelivery.shutdownNow();
        senders.shutdown();
        if (!senders.awaitTermination(10, TimeUnit.SECONDS)) {
            senders.shutdownNow();
        }
        caller.close();
    }
}
