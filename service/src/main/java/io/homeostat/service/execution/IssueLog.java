package io.homeostat.service.execution;

import io.homeostat.service.model.IssueRecord;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The story of each issue in the log, one line per step that matters to an operator reading it:
 * opened, verified, failed verification, resolved (escalations are logged where they are sent).
 * Logged after the step is committed, with the issue's id to find it in the API.
 */
final class IssueLog {
    private static final Logger LOG = LoggerFactory.getLogger("io.homeostat.issues");

    /** The last state logged per active issue; an issue leaves when it resolves. */
    private final Map<String, String> states = new ConcurrentHashMap<>();

    void committed(IssueRecord issue) {
        try (LogIds ids = LogIds.issue(issue.id())) {
            log(issue);
        }
    }

    private void log(IssueRecord issue) {
        String before = issue.state().equals("resolved") ? states.remove(issue.id()) : states.put(issue.id(), issue.state());
        if (issue.state().equals(before)) {
            return;
        }
        String what = issue.type() + " on " + issue.resource() + " (tenant " + issue.tenant() + ")";
        switch (issue.state()) {
            case "open" -> {
                if (before == null) {
                    LOG.info("issue {} opened: {}, severity {}: {}", issue.id(), what, issue.severity(), issue.summary());
                } else if (before.equals("verifying") || before.equals("recovering")) {
                    LOG.warn("issue {} failed verification: {} did not stay clear after the fix; the next strategy is considered",
                            issue.id(), what);
                } else {
                    LOG.info("issue {} open again: {} (was {})", issue.id(), what, before);
                }
            }
            case "recovering" -> LOG.info("issue {} verified: {} cleared after the fix; it resolves after the quiet period",
                    issue.id(), what);
            case "resolved" -> LOG.info("issue {} resolved: {} after {}", issue.id(), what,
                    issue.resolvedAt() == null ? "?" : Duration.between(issue.openedAt(), issue.resolvedAt()).toString());
            default -> {
                if (before == null) {
                    LOG.info("issue {} {}: {}, severity {}", issue.id(), issue.state(), what, issue.severity());
                }
            }
        }
    }
}
