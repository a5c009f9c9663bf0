package io.homeostat.service.engine.facts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What rules put into facts must be storable: identifiers are checked, free text and figures made safe. */
class FactsTest {
    private static Issue issue(String type, String category, String summary) {
        return new Issue("default", "service:a", type, Severity.HIGH, category, 0, "a rule", summary);
    }

    @Test
    void identifiersTooLongToStoreAreRejectedWithTheField() {
        assertThatThrownBy(() -> issue("t", "c".repeat(33), "s"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("category must be 1 to 32 characters, was 33");
        assertThatThrownBy(() -> issue(" ", "compute", "s")).hasMessageStartingWith("type must be 1 to 128 characters");
        Issue ok = issue("service_down", "application", "s");
        assertThatThrownBy(() -> Proposal.strategy(ok, 1, "a".repeat(257), "rule")).hasMessageStartingWith("actionId must be 1 to 256");
    }

    @Test
    void longSummariesAreShortenedNotRejected() {
        Issue issue = issue("service_down", "application", "x".repeat(5000));
        assertThat(issue.getSummary()).hasSize(2000).endsWith("...");
        issue.setSummary("y".repeat(3000));
        assertThat(issue.getSummary()).hasSize(2000);
    }

    @Test
    void figuresKeepJsonValuesAndRecordAnythingElseAsText() {
        Issue issue = issue("service_down", "application", "s");
        ExplanationStep step = new ExplanationStep("r", "g", "pass", "m",
                Map.of("count", 3, "ok", true, "issue", issue, "nested", Map.of("list", List.of(1, issue))));
        assertThat(step.figures()).containsEntry("count", 3).containsEntry("ok", true)
                .containsEntry("issue", "Issue[service_down service:a OPEN HIGH]")
                .containsEntry("nested", Map.of("list", List.of(1, "Issue[service_down service:a OPEN HIGH]")));
    }
}
