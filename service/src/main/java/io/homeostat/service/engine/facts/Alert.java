package io.homeostat.service.engine.facts;

import java.util.Map;
import java.util.Objects;

/**
 * One Alertmanager alert (by its fingerprint) as it stands: firing or resolved, the resource and
 * issue type its mapping gave it (no issue type: unmapped, the rules only see its
 * {@code alert.<alertname>} signal), and its hold-off. The engine keeps one per (tenant,
 * fingerprint) and updates it as notifications arrive; the rules in alerts.drl open issues from
 * it, treat "resolved" as a healthy reading and cancel what has not started, and the hold-off gate
 * defers action until {@link #getHoldOffUntil()}.
 */
public final class Alert {
    private final String tenant;
    private final String fingerprint;
    private final String alertname;
    private final String resource;
    private final String issueType;
    private final Severity severity;
    private final Map<String, String> labels;
    private final Map<String, String> annotations;
    private final String source;
    private boolean firing;
    private long startsAt;
    private long endsAt;
    private long holdOffMillis;
    private long updatedAt;
    private boolean counted;

    /**
     * @param startsAt when the alert began to fire (epoch ms), Alertmanager's {@code startsAt}
     * @param endsAt when it resolved (epoch ms), or 0 while it fires
     * @param holdOffMillis act only if the alert still fires this long after {@code startsAt}
     * @param updatedAt when this state arrived (the session clock)
     */
    public Alert(String tenant, String fingerprint, String alertname, String resource, String issueType, Severity severity,
                 Map<String, String> labels, Map<String, String> annotations, String source, boolean firing, long startsAt, long endsAt,
                 long holdOffMillis, long updatedAt) {
        this.tenant = FactText.identifier("tenant", tenant, 128);
        this.fingerprint = FactText.identifier("fingerprint", fingerprint, 128);
        this.alertname = FactText.identifier("alertname", alertname, 256);
        this.resource = FactText.identifier("resource", resource, 512);
        this.issueType = issueType == null ? null : FactText.identifier("issueType", issueType, 128);
        this.severity = issueType == null ? severity : Objects.requireNonNull(severity, "severity");
        this.labels = Map.copyOf(labels);
        this.annotations = Map.copyOf(annotations);
        this.source = FactText.identifier("source", source, 256);
        this.firing = firing;
        this.startsAt = startsAt;
        this.endsAt = endsAt;
        this.holdOffMillis = Math.max(0, holdOffMillis);
        this.updatedAt = updatedAt;
    }

    /**
     * Takes on a later state of the same alert. Counted again (as evidence, or as a healthy
     * reading) only when it changed: firing ↔ resolved, or firing again from a new start.
     */
    public void update(Alert later) {
        if (later.firing != firing || later.startsAt != startsAt) {
            counted = false;
        }
        firing = later.firing;
        startsAt = later.startsAt;
        endsAt = later.endsAt;
        holdOffMillis = later.holdOffMillis;
        updatedAt = later.updatedAt;
    }

    /** The identity the engine keeps alerts by. */
    public static String key(String tenant, String fingerprint) {
        return tenant + "|" + fingerprint;
    }

    public String getKey() {
        return key(tenant, fingerprint);
    }

    public boolean isMapped() {
        return issueType != null;
    }

    public boolean isFiring() {
        return firing;
    }

    public boolean isResolved() {
        return !firing;
    }

    /** When action may start: {@code startsAt} + the hold-off. */
    public long getHoldOffUntil() {
        return startsAt + holdOffMillis;
    }

    /** Whether the rules have taken this state into account (as evidence or as a healthy reading). */
    public boolean isCounted() {
        return counted;
    }

    public void setCounted(boolean counted) {
        this.counted = counted;
    }

    /** A line for the issue: the alert's name and its summary (or description) annotation. */
    public String describe() {
        String text = annotations.getOrDefault("summary", annotations.getOrDefault("description", ""));
        return text.isBlank() ? "alert " + alertname + " is firing" : alertname + ": " + text;
    }

    public String getTenant() {
        return tenant;
    }

    public String getFingerprint() {
        return fingerprint;
    }

    public String getAlertname() {
        return alertname;
    }

    public String getResource() {
        return resource;
    }

    public String getIssueType() {
        return issueType;
    }

    public Severity getSeverity() {
        return severity;
    }

    public Map<String, String> getLabels() {
        return labels;
    }

    public Map<String, String> getAnnotations() {
        return annotations;
    }

    public String getSource() {
        return source;
    }

    public long getStartsAt() {
        return startsAt;
    }

    public long getEndsAt() {
        return endsAt;
    }

    public long getHoldOffMillis() {
        return holdOffMillis;
    }

    public long getUpdatedAt() {
        return updatedAt;
    }

    @Override
    public String toString() {
        return "Alert[" + alertname + " " + (firing ? "firing" : "resolved") + " on " + resource + ", " + fingerprint + "]";
    }
}
