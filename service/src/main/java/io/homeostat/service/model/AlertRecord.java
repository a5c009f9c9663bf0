package io.homeostat.service.model;

import java.time.Instant;
import java.util.Map;

/**
 * An Alertmanager alert as the engine last saw it, by (tenant, fingerprint). What notifications
 * already said (status and startsAt) survives a restart through it, so that a notification
 * resent after a restart is a duplicate; firing alerts come back into the engine (hold-offs).
 *
 * @param issueType null: no mapping matched (the alert is only an {@code alert.<alertname>} signal)
 * @param endsAt when it resolved; null while it fires
 */
public record AlertRecord(String tenant, String fingerprint, String alertname, String resource, String issueType, String severity,
                          String status, Instant startsAt, Instant endsAt, long holdOffMillis, Map<String, String> labels,
                          Map<String, String> annotations, String source, Instant updatedAt) {
    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";

    public AlertRecord {
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
    }

    public boolean firing() {
        return FIRING.equals(status);
    }
}
