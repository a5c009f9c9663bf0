package io.homeostat.service.execution;

import io.homeostat.service.model.EscalationRecord;
import io.homeostat.service.model.RemediationRecord;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.MDC;

/**
 * The ids an operator searches the log for, set on every line written while an attempt, a rollback or
 * an escalation is handled (SLF4J's MDC): the JSON log ({@code layout: {type: json}}) carries them in its
 * {@code mdc} object, the text log where its pattern asks for them ({@code %X{issueId}}). Plugin code
 * called meanwhile carries them too (the plugin caller copies them to its thread).
 */
final class LogIds implements AutoCloseable {
    private final List<String> keys = new ArrayList<>();

    private LogIds() {
    }

    static LogIds of(RemediationRecord attempt) {
        return new LogIds().put("issueId", attempt.issueId()).put("decisionId", attempt.decisionId()).put("remediationId", attempt.id())
                .put("resource", attempt.resource()).put("action", attempt.actionId());
    }

    static LogIds of(EscalationRecord escalation, String channel) {
        return new LogIds().put("issueId", escalation.issueId()).put("escalationId", escalation.id()).put("resource", escalation.resource())
                .put("channel", channel);
    }

    static LogIds issue(String issueId) {
        return new LogIds().put("issueId", issueId);
    }

    private LogIds put(String key, String value) {
        if (value != null) {
            MDC.put(key, value);
            keys.add(key);
        }
        return this;
    }

    @Override
    public void close() {
        keys.forEach(MDC::remove);
    }
}
