package io.homeostat.service.alertmanager;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.inbox.EngineInput;
import io.homeostat.service.inbox.Ingress;
import io.homeostat.service.intake.Intake;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alertmanager notifications into the engine. Each alert is checked on its own (a bad one is
 * reported and the others proceed), duplicates and stale states are dropped ({@link Receipts}),
 * the rest mapped ({@link AlertMapper}) and handed over in one {@link EngineInput.AlertNotice};
 * alerts no mapping matches also enter as {@code alert.<alertname>} signals (1 firing, 0 resolved).
 * Nothing is handed over while the engine lags or is full: the caller gets 503 and Alertmanager
 * retries the whole notification, which is then not a duplicate.
 */
public final class AlertIntake {
    private static final Logger LOG = LoggerFactory.getLogger(AlertIntake.class);
    /** Alertmanager's "no time" (Go's zero time), which it sends as the end of a firing alert. */
    private static final Instant GO_ZERO = Instant.parse("0001-01-01T00:00:00Z");
    private static final int MAX_LABELS = 64;
    private static final int MAX_LABEL_NAME = 128;
    private static final int MAX_LABEL_VALUE = 1024;
    private static final int MAX_ANNOTATION = 2000;

    private final AlertMapper mapper;
    private final Receipts receipts;
    private final Ingress inbox;
    private final Intake gates;
    private final Clock clock;
    private final String source;
    private final int maxAlerts;
    /** The label notify.alertmanager puts on every escalation it raises. */
    static final String OWN_ESCALATION_LABEL = "homeostat_escalation";

    private final Meter received;
    private final Meter duplicates;
    private final Meter unmapped;
    private final Meter rejected;
    private final Meter refused;
    private final Meter unknownSeverity;
    private final Meter ownEscalations;
    /** Causes of rejected alerts already logged: each is logged once, then counted (hostile input must not flood the log). */
    private final Set<String> logged = ConcurrentHashMap.newKeySet();

    public AlertIntake(AlertMapper mapper, Receipts receipts, Ingress inbox, Intake gates, Clock clock, String source, int maxAlerts,
                       MetricRegistry metrics) {
        this.mapper = Objects.requireNonNull(mapper, "mapper");
        this.receipts = Objects.requireNonNull(receipts, "receipts");
        this.inbox = Objects.requireNonNull(inbox, "inbox");
        this.gates = Objects.requireNonNull(gates, "gates");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.source = Objects.requireNonNull(source, "source");
        this.maxAlerts = maxAlerts;
        this.received = metrics.meter("homeostat.alerts.received");
        this.duplicates = metrics.meter("homeostat.alerts.duplicates");
        this.unmapped = metrics.meter("homeostat.alerts.unmapped");
        this.rejected = metrics.meter("homeostat.alerts.rejected");
        this.ownEscalations = metrics.meter("homeostat.alerts.own_escalations");
        this.refused = metrics.meter("homeostat.alerts.refused_notifications");
        this.unknownSeverity = metrics.meter("homeostat.alerts.severity_unknown");
        metrics.gauge("homeostat.alerts.remembered", () -> receipts::size);
    }

    /** What became of a notification's alerts. */
    public record Result(int accepted, int duplicates, int unmapped, List<Rejection> rejected) {
    }

    /** One alert that was not used, and why; {@code index} is its place in {@code alerts}. */
    public record Rejection(int index, String fingerprint, String error) {
    }

    /** The notification as a whole cannot be used (422); nothing of it was handed over. */
    public static final class BadNotification extends Exception {
        private static final long serialVersionUID = 1L;

        BadNotification(String message) {
            super(message);
        }
    }

    /**
     * @param keyTenant the sending key's tenant; null (an all-tenants key) files the alerts under "default"
     * @throws Intake.RefusedException the engine lags, is full, or the notification queue is full: retry the notification
     */
    public Result submit(Notification notification, String keyTenant) throws BadNotification, Intake.RefusedException {
        gates.admit();
        checkWhole(notification);
        String tenant = keyTenant == null ? "default" : keyTenant;
        Instant now = clock.instant();
        List<Rejection> bad = new ArrayList<>();
        List<EngineInput.AlertState> news = new ArrayList<>();
        List<Signal> signals = new ArrayList<>();
        List<Receipts.Claim> claims = new ArrayList<>();
        int duplicate = 0;
        int unmappedCount = 0;
        for (int i = 0; i < notification.alerts().size(); i++) {
            Notification.Alert alert = notification.alerts().get(i);
            received.mark();
            String fingerprint = alert == null ? null : alert.fingerprint();
            try {
                Checked checked = check(alert);
                if ("true".equals(checked.labels().get(OWN_ESCALATION_LABEL))) {
                    // Homeostat's own escalation (notify.alertmanager), routed back here: evidence of nothing, and
                    // acting on it would escalate the escalation. Counted, so that such a route is visible.
                    ownEscalations.mark();
                    continue;
                }
                AlertMapper.Result mapped = mapper.map(checked.labels());
                if (mapped instanceof AlertMapper.Problem problem) {
                    throw new IllegalArgumentException(problem.message());
                }
                Receipts.Claim claim = receipts.claim(tenant, fingerprint, checked.startsAt(), !checked.firing());
                if (!claim.fresh()) {
                    duplicate++;
                    continue;
                }
                claims.add(claim);
                Map<String, String> annotations = annotations(alert.annotations());
                if (mapped instanceof AlertMapper.Mapped match) {
                    if (!match.knownSeverity()) {
                        unknownSeverity.mark();
                    }
                    news.add(new EngineInput.AlertState(tenant, fingerprint, checked.alertname(), match.resource(), match.issueType(),
                            match.severity(), checked.firing(), checked.startsAt(), checked.endsAt(), match.holdOff(), checked.labels(),
                            annotations, source));
                } else {
                    String resource = ((AlertMapper.Unmapped) mapped).resource();
                    unmappedCount++;
                    news.add(new EngineInput.AlertState(tenant, fingerprint, checked.alertname(), resource, null, null, checked.firing(),
                            checked.startsAt(), checked.endsAt(), Duration.ZERO, checked.labels(), annotations, source));
                    signals.add(new Signal(tenant, resource, "alert." + metricName(checked.alertname()), checked.firing() ? 1 : 0,
                            now.toEpochMilli(), null, source, checked.labels(), System.nanoTime()));
                }
            } catch (IllegalArgumentException e) {
                rejected.mark();
                bad.add(new Rejection(i, fingerprint, e.getMessage()));
                if (logged.size() < 1_000 && logged.add(e.getMessage())) {
                    LOG.warn("alert {} of a notification from receiver '{}' was not used: {} (homeostat.alerts.rejected counts these; "
                            + "each cause is logged once)", i, AlertMapper.abbreviate(String.valueOf(notification.receiver())), e.getMessage());
                }
            }
        }
        try {
            if (!signals.isEmpty() && !inbox.offerSignals(signals)) {
                claims.forEach(receipts::release);
                refused.mark();
                throw new Intake.RefusedException("the engine's signal queue is full; nothing of this notification was queued, retry it");
            }
            if (!news.isEmpty() && !inbox.offerAlerts(new EngineInput.AlertNotice(news))) {
                claims.forEach(receipts::release);
                refused.mark();
                throw new Intake.RefusedException("too many notifications wait for the engine (intake.maxQueuedNotifications); "
                        + "retry the notification");
            }
        } catch (Ingress.Unavailable e) {
            // Not accepted: Alertmanager sends it again, and the receipts must let that through.
            claims.forEach(receipts::release);
            refused.mark();
            throw new Intake.RefusedException(e.getMessage() + "; the notification was not accepted, retry it");
        }
        duplicates.mark(duplicate);
        unmapped.mark(unmappedCount);
        return new Result(news.size(), duplicate, unmappedCount, bad);
    }

    private void checkWhole(Notification notification) throws BadNotification {
        if (notification == null) {
            throw new BadNotification("the body must be an Alertmanager webhook notification (JSON, version 4)");
        }
        if (!"4".equals(notification.version())) {
            throw new BadNotification("field 'version': " + (notification.version() == null ? "is required"
                    : "'" + AlertMapper.abbreviate(notification.version()) + "' is not supported") + "; Homeostat reads Alertmanager's "
                    + "webhook payload version 4");
        }
        if (notification.status() != null && !notification.status().equals("firing") && !notification.status().equals("resolved")) {
            throw new BadNotification("field 'status': must be \"firing\" or \"resolved\"");
        }
        if (notification.alerts() == null) {
            throw new BadNotification("field 'alerts' is required (an array of alerts)");
        }
        if (notification.alerts().size() > maxAlerts) {
            throw new BadNotification("field 'alerts': " + notification.alerts().size() + " alerts; at most " + maxAlerts
                    + " per notification (alertmanager.maxAlertsPerNotification; or set max_alerts in the receiver)");
        }
    }

    private record Checked(String alertname, Map<String, String> labels, boolean firing, Instant startsAt, Instant endsAt) {
    }

    private Checked check(Notification.Alert alert) {
        if (alert == null) {
            throw new IllegalArgumentException("the alert is null");
        }
        String status = alert.status();
        if (!"firing".equals(status) && !"resolved".equals(status)) {
            throw new IllegalArgumentException("'status' must be \"firing\" or \"resolved\"");
        }
        String fingerprint = alert.fingerprint();
        if (fingerprint == null || fingerprint.isBlank() || fingerprint.length() > 128) {
            throw new IllegalArgumentException("'fingerprint' is required (1 to 128 characters): duplicates are recognised by it");
        }
        Map<String, String> labels = alert.labels();
        if (labels == null || labels.isEmpty()) {
            throw new IllegalArgumentException("'labels' is required and must hold 'alertname'");
        }
        if (labels.size() > MAX_LABELS) {
            throw new IllegalArgumentException("'labels': " + labels.size() + " labels; at most " + MAX_LABELS);
        }
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (label.getKey().isEmpty() || label.getKey().length() > MAX_LABEL_NAME) {
                throw new IllegalArgumentException("'labels': a label name must be 1 to " + MAX_LABEL_NAME + " characters");
            }
            if (label.getValue() == null || label.getValue().length() > MAX_LABEL_VALUE) {
                throw new IllegalArgumentException("'labels." + AlertMapper.abbreviate(label.getKey()) + "': must be a string of at most "
                        + MAX_LABEL_VALUE + " characters");
            }
        }
        String alertname = labels.get("alertname");
        if (alertname == null || alertname.isBlank() || alertname.length() > 256) {
            throw new IllegalArgumentException("'labels.alertname' is required (1 to 256 characters)");
        }
        Instant startsAt = time("startsAt", alert.startsAt());
        if (startsAt == null) {
            throw new IllegalArgumentException("'startsAt' is required (RFC 3339)");
        }
        Instant endsAt = time("endsAt", alert.endsAt());
        boolean firing = status.equals("firing");
        if (!firing && endsAt == null) {
            endsAt = clock.instant();
        }
        return new Checked(alertname, labels, firing, startsAt, firing ? null : endsAt);
    }

    private static Instant time(String field, String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            // Milliseconds, as the engine and the store keep it: a resend after a restart must compare equal.
            Instant time = OffsetDateTime.parse(text).toInstant().truncatedTo(ChronoUnit.MILLIS);
            return time.equals(GO_ZERO) ? null : time;
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("'" + field + "': '" + AlertMapper.abbreviate(text) + "' is not an RFC 3339 time", e);
        }
    }

    private static Map<String, String> annotations(Map<String, String> annotations) {
        if (annotations == null) {
            return Map.of();
        }
        Map<String, String> kept = new LinkedHashMap<>();
        for (Map.Entry<String, String> annotation : annotations.entrySet()) {
            if (kept.size() == MAX_LABELS) {
                break;
            }
            String name = annotation.getKey();
            String value = annotation.getValue() == null ? "" : annotation.getValue();
            if (name.length() <= MAX_LABEL_NAME) {
                kept.put(name, value.length() <= MAX_ANNOTATION ? value : value.substring(0, MAX_ANNOTATION - 3) + "...");
            }
        }
        return kept;
    }

    /** An alert name as a metric name: characters a metric may not hold become '_'. */
    static String metricName(String alertname) {
        StringBuilder out = new StringBuilder(Math.min(alertname.length(), 120));
        for (int i = 0; i < alertname.length() && out.length() < 120; i++) {
            char c = alertname.charAt(i);
            boolean ok = c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '.' || c == ':' || c == '-');
            out.append(ok ? c : '_');
        }
        return out.toString();
    }
}
