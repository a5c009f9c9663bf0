package io.homeostat.service.rules;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.homeostat.service.engine.facts.AutonomyMode;
import io.homeostat.service.engine.facts.PolicySettings;
import java.util.List;
import java.util.Map;

/**
 * A rule scenario (rules/scenarios/*.yaml or *.json): signals at times relative to the start, what
 * the executor reported, and what the rules must have made of it. Run on the pseudo clock by
 * {@link ScenarioRunner}; the same path the service runs.
 *
 * <pre>
 * name: three failed probes restart the process
 * actions: [process.restart, http.call]      # actions the plugins provide (default: these two)
 * autonomy: observe                           # the mode (issue type, action) pairs start in (default: auto)
 * steps:
 *   - at: 0s
 *     signals: [{resource: service:web, metric: probe.success, value: 0}]
 *   - at: 20s
 *     signals: [{resource: service:web, metric: probe.success, value: 0}]
 *     outcomes: [{resource: service:web, action: process.restart, succeeded: true}]
 * then: 3m                                    # let time pass after the last step
 * expect:
 *   issues:    [{resource: service:web, type: service_down, severity: high, state: resolved}]
 *   decisions: [{resource: service:web, action: process.restart, outcome: run}]
 *   blocked:   [{resource: service:web, gate: rate.resource}]
 *   noIssues:  [{resource: service:db}]
 *   noDecisions: [{resource: service:api, outcome: run}]   # no decision matches these fields
 * </pre>
 */
@JsonIgnoreProperties(ignoreUnknown = false)
public record Scenario(String name, List<String> actions, String autonomy, List<Step> steps, String then, Expect expect) {
    /**
     * The mode pairs start in: a scenario tests what the rules decide once a pair is trusted (auto),
     * unless it says otherwise, whatever policy.autonomy.startIn is; {@code autonomy: observe} tests the rollout itself.
     */
    public PolicySettings policy(PolicySettings configured) {
        AutonomyMode start = autonomy == null ? AutonomyMode.AUTO : AutonomyMode.fromLabel(autonomy);
        return configured.toBuilder().autonomyStartIn(start).build();
    }

    /** What happens at one moment: signals arrive, remediations report. */
    public record Step(String at, List<SignalSpec> signals, List<OutcomeSpec> outcomes) {
    }

    /** One signal; tenant defaults to "default", source to "scenario". */
    public record SignalSpec(String tenant, String resource, String metric, double value, String source, Map<String, String> labels) {
    }

    /** The executor's report for the newest run decision of this action on this resource. */
    public record OutcomeSpec(String resource, String action, boolean succeeded) {
    }

    /** What must hold at the end. Each listed field must match; unlisted fields are not checked. */
    public record Expect(List<Map<String, String>> issues, List<Map<String, String>> decisions, List<Map<String, String>> blocked,
                         List<Map<String, String>> noIssues, List<Map<String, String>> noDecisions) {
    }
}
