package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.Alert;
import io.homeostat.service.engine.facts.ApprovalVerdict;
import io.homeostat.service.engine.facts.AutoRemediation;
import io.homeostat.service.engine.facts.AutonomyMode;
import io.homeostat.service.engine.facts.AutonomyPin;
import io.homeostat.service.engine.facts.Proposal;
import io.homeostat.service.engine.facts.Severity;
import io.homeostat.service.inbox.EngineInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one place where inputs from outside become rule facts (on the engine thread). A new kind of
 * {@link EngineInput} does not compile until it is translated here.
 */
final class InputFacts {
    private InputFacts() {
    }

    static List<Object> of(EngineInput input, long now) {
        if (input instanceof EngineInput.AlertNotice notice) {
            List<Object> alerts = new ArrayList<>(notice.alerts().size());
            for (EngineInput.AlertState alert : notice.alerts()) {
                alerts.add(new Alert(alert.tenant(), alert.fingerprint(), alert.alertname(), alert.resource(), alert.issueType(),
                        alert.severity() == null ? null : Severity.valueOf(alert.severity().toUpperCase(Locale.ROOT)), alert.labels(),
                        alert.annotations(), alert.source(), alert.firing(), alert.startsAt().toEpochMilli(),
                        alert.endsAt() == null ? 0 : alert.endsAt().toEpochMilli(), alert.holdOff().toMillis(), now));
            }
            return alerts;
        }
        return List.of(one(input));
    }

    private static Object one(EngineInput input) {
        if (input instanceof EngineInput.ApprovalAnswer answer) {
            return new ApprovalVerdict(answer.approvalId(), answer.approved(), answer.by(), answer.reason());
        } else if (input instanceof EngineInput.AutoRemediationSwitch change) {
            return new AutoRemediation(change.scope(), change.enabled(), change.by(), change.reason(), change.at().toEpochMilli());
        } else if (input instanceof EngineInput.MaintenanceSwitch maintenance) {
            return new MaintenanceMode(maintenance.scope(), maintenance.on(), maintenance.labelKey(), maintenance.labelValue(),
                    maintenance.until() == null ? 0 : maintenance.until().toEpochMilli());
        } else if (input instanceof EngineInput.AutonomyPinRequest pin) {
            return new AutonomyPin(pin.tenant(), pin.issueType(), pin.actionId(), pin.mode() == null ? null : AutonomyMode.fromLabel(pin.mode()),
                    pin.by(), pin.reason(), pin.at().toEpochMilli());
        } else if (input instanceof EngineInput.AutonomyHeard heard) {
            return heard.pair();
        } else if (input instanceof EngineInput.ManualRun run) {
            return Proposal.manual(run.proposalId(), run.issueId(), run.actionId(), run.parameters(), run.by(), run.overrideReason());
        } else if (input instanceof EngineInput.AttemptReport report) {
            return report.outcome();
        } else if (input instanceof EngineInput.RollbackReport report) {
            return report.outcome();
        }
        throw new IllegalArgumentException("no facts for " + input.getClass().getName());
    }
}
