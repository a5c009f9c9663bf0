package io.homeostat.plugins.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The escalation payload the service hands a notify action (the escalation, its issue, the issue's
 * decisions and remediation attempts), read into what a chat message or an alert shows. Unknown
 * fields are ignored and missing ones read as empty, so the payload may grow without breaking this.
 */
record Escalation(String escalationId, String issueId, String tenant, String resource, String issueType, String severity,
                  String summary, String reason, String openedAt, String rootCause, List<String> history) {
    static final ObjectMapper JSON = new ObjectMapper();
    /** At most this many history lines: a chat message or an annotation is read by a person. */
    static final int HISTORY = 10;

    static Escalation parse(String payload) throws IOException {
        JsonNode root = JSON.readTree(payload);
        JsonNode escalation = root.path("escalation");
        JsonNode issue = root.path("issue");
        List<String> history = new ArrayList<>();
        for (JsonNode decision : root.path("decisions")) {
            history.add("decided " + text(decision, "actionId") + ": " + text(decision, "outcome")
                    + (text(decision, "reason").isEmpty() ? "" : " (" + text(decision, "reason") + ")"));
        }
        for (JsonNode attempt : root.path("attempts")) {
            history.add("ran " + text(attempt, "actionId") + ": " + text(attempt, "state")
                    + (text(attempt, "message").isEmpty() ? "" : " (" + text(attempt, "message") + ")")
                    + (text(attempt, "rollbackState").isEmpty() ? "" : ", rollback " + text(attempt, "rollbackState")));
        }
        if (history.size() > HISTORY) {
            int more = history.size() - HISTORY;
            history = new ArrayList<>(history.subList(history.size() - HISTORY, history.size()));
            history.add(0, "… " + more + " earlier step(s)");
        }
        return new Escalation(text(escalation, "id"), first(text(escalation, "issueId"), text(issue, "id")),
                first(text(escalation, "tenant"), text(issue, "tenant")), first(text(escalation, "resource"), text(issue, "resource")),
                first(text(escalation, "issueType"), text(issue, "type")), text(issue, "severity"), text(issue, "summary"),
                text(escalation, "reason"), text(issue, "openedAt"), text(issue, "rootCause"), List.copyOf(history));
    }

    /** A parse error's own words, without Jackson's source excerpt (which would repeat the payload). */
    static String why(IOException e) {
        return e instanceof com.fasterxml.jackson.core.JsonProcessingException json ? json.getOriginalMessage() : String.valueOf(e.getMessage());
    }

    String title() {
        return issueType + " on " + resource + (severity.isEmpty() ? "" : " (" + severity + ")");
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isMissingNode() || value.isNull() ? "" : value.asText();
    }

    private static String first(String a, String b) {
        return a.isEmpty() ? b : a;
    }
}
