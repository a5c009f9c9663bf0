package io.homeostat.service.execution;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.lifecycle.Managed;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.IssueReference;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.service.model.EscalationRecord;
import io.homeostat.service.model.IssueRecord;
import io.homeostat.service.plugins.LoadedAction;
import io.homeostat.service.plugins.PluginCaller;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.store.Store;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
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
 * Delivers escalations through the configured notify action (by default {@code notify.webhook}):
 * builds the JSON payload (the escalation, the issue, its decisions with their explanations and
 * its remediation attempts) from the store, calls the action on its own thread with retries of
 * transient failures, and records whether it was delivered. Runs after the escalation is committed,
 * so a crash can delay a delivery but never lose the escalation: at start-up, what is still
 * pending, and failed deliveries of unresolved issues, are sent again; while running, failed ones
 * are tried again every {@code execution.escalationRedelivery} until sent or their issue resolves.
 */
public final class EscalationNotifier implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(EscalationNotifier.class);

    private final PluginRegistry plugins;
    private final Store store;
    private final ObjectMapper mapper;
    private final String actionId;
    private final Function<String, PluginSettings> settings;
    private final Duration timeout;
    private final Duration backoff;
    private final int attempts;
    private final PluginCaller caller = new PluginCaller();
    private final ExecutorService senders = Executors.newSingleThreadExecutor(PluginCaller.named("homeostat-escalation-"));
    private final ScheduledExecutorService redelivery = Executors.newSingleThreadScheduledExecutor(PluginCaller.named("homeostat-redelivery-"));
    private final Duration redeliveryInterval;
    /** Escalations queued for the sender and not yet finished: a redelivery never queues one twice. */
    private final Set<String> queued = ConcurrentHashMap.newKeySet();

    public EscalationNotifier(PluginRegistry plugins, Store store, ObjectMapper mapper, String actionId,
                              Function<String, PluginSettings> settings, Duration timeout, int retries, Duration backoff,
                              Duration redeliveryInterval) {
        this.plugins = plugins;
        this.store = store;
        this.mapper = mapper;
        this.actionId = actionId;
        this.settings = settings;
        this.timeout = timeout;
        this.backoff = backoff;
        // execution.maxRetries / actionRetries for the escalation action, like any other action (it was a fixed 4).
        this.attempts = retries + 1;
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

    private void deliver(EscalationRecord escalation) {
        String state;
        String message;
        try {
            Optional<LoadedAction> loaded = plugins.action(actionId);
            if (loaded.isEmpty()) {
                state = EscalationRecord.FAILED;
                message = "no loaded plugin provides " + actionId + "; the escalation is only recorded";
            } else {
                String payload = payload(escalation);
                IssueReference issue = new IssueReference(escalation.issueId(), escalation.issueType(),
                        store.issues().find(escalation.issueId()).map(IssueRecord::severity).orElse("unknown"), escalation.tenant());
                ActionResult result;
                loaded.get().enter();
                try {
                    result = PluginCaller.retrying(attempts, backoff, () -> {
                        ServiceActionContext context = new ServiceActionContext(escalation.id(), escalation.resource(), issue,
                                Map.of("payload", payload), settings.apply(loaded.get().pluginId()), Instant.now().plus(timeout));
                        return caller.action(loaded.get(), actionId, timeout, () -> loaded.get().action().execute(context));
                    }, () -> { }).result();
                } finally {
                    loaded.get().exit();
                }
                state = result.succeeded() ? EscalationRecord.SENT : EscalationRecord.FAILED;
                message = result.message();
            }
        } catch (RuntimeException | JsonProcessingException e) {
            LOG.error("escalation {} of issue {} could not be delivered", escalation.id(), escalation.issueId(), e);
            state = EscalationRecord.FAILED;
            message = "notifier error: " + e.getMessage();
        }
        LOG.warn("escalated issue {} ({} on {}): {} — delivery {}: {}", escalation.issueId(), escalation.issueType(),
                escalation.resource(), escalation.reason(), state, message);
        try {
            store.escalations().delivered(escalation.id(), state, message, Instant.now());
        } catch (RuntimeException e) {
            LOG.error("could not record the delivery of escalation {}", escalation.id(), e);
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
        for (EscalationRecord escalation : store.escalations().undelivered()) {
            LOG.info("escalation {} of issue {} ({} on {}) was left {}: delivering it again", escalation.id(), escalation.issueId(),
                    escalation.issueType(), escalation.resource(), escalation.state());
            submit(escalation);
        }
        long every = redeliveryInterval.toMillis();
        redelivery.scheduleWithFixedDelay(this::redeliverFailed, every, every, TimeUnit.MILLISECONDS);
    }

    /** Tries failed deliveries of unresolved issues again (pending ones are this run's, already queued). */
    private void redeliverFailed() {
        try {
            for (EscalationRecord escalation : store.escalations().undelivered()) {
                if (EscalationRecord.FAILED.equals(escalation.state())) {
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
