package io.homeostat.service.alertmanager;

import java.util.List;
import java.util.Map;

/**
 * Alertmanager's webhook payload, version 4, exactly: the service's JSON reader refuses any other
 * field (400 naming it), so a payload that is not Alertmanager's is not half-read.
 */
public record Notification(String version, String groupKey, Integer truncatedAlerts, String status, String receiver,
                           Map<String, String> groupLabels, Map<String, String> commonLabels, Map<String, String> commonAnnotations,
                           String externalURL, List<Alert> alerts) {

    /** One alert of the notification. */
    public record Alert(String status, Map<String, String> labels, Map<String, String> annotations, String startsAt, String endsAt,
                        String generatorURL, String fingerprint) {
    }
}
