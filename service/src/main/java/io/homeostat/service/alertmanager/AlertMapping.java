package io.homeostat.service.alertmanager;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One entry of {@code alertmanager.mappings}: alerts whose labels match all {@code matchers} are
 * evidence of {@code issueType} on the resource {@code resource} names.
 *
 * @param severity a fixed severity, or null: the alert's {@code severity} label decides ({@link Severities})
 * @param holdOff act only if the alert still fires this long after it started
 */
public record AlertMapping(List<LabelMatcher> matchers, LabelTemplate resource, String issueType, String severity, Duration holdOff) {
    public AlertMapping {
        matchers = List.copyOf(matchers);
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(issueType, "issueType");
        Objects.requireNonNull(holdOff, "holdOff");
    }

    public boolean matches(Map<String, String> labels) {
        for (LabelMatcher matcher : matchers) {
            if (!matcher.matches(labels)) {
                return false;
            }
        }
        return true;
    }
}
