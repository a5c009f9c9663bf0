package io.homeostat.service.tasks;

import io.dropwizard.servlets.tasks.Task;
import io.homeostat.service.rules.RuleSet;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/** {@code POST /tasks/reload-rules} on the admin port: compile the rules directory now and swap it in if it changed. */
public final class ReloadRulesTask extends Task {
    private final RuleSet rules;

    public ReloadRulesTask(RuleSet rules) {
        super("reload-rules");
        this.rules = rules;
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        RuleSet.Outcome outcome = rules.reload("admin task reload-rules");
        output.println(outcome.result() + " " + outcome.version() + " (" + outcome.ruleCount() + " rules)");
        outcome.problems().forEach(problem -> output.println("  " + problem));
    }
}
