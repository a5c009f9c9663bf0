package io.homeostat.service.rules;

import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.RuleCompilationException;
import io.homeostat.service.engine.RuleProblem;
import io.homeostat.service.model.RuleVersionRecord;
import io.homeostat.service.store.RuleVersionStore;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules to start with when the files on disk do not compile: the newest version that was
 * accepted before (the store keeps every one with its files), so that a service restarted during
 * an incident keeps deciding. Degraded and loud: the rule set reports the rejected files until
 * they are fixed. With nothing stored (a first start) there is nothing to fall back on, and the
 * files' problems stop start-up as before.
 */
public final class StartupRules {
    private static final Logger LOG = LoggerFactory.getLogger(StartupRules.class);

    private StartupRules() {
    }

    public static RuleBase lastGood(RuleBaseCompiler compiler, RuleVersionStore versions, RuleCompilationException onDisk)
            throws RuleCompilationException {
        Optional<RuleVersionRecord> stored = versions.list(1, true).stream().findFirst();
        if (stored.isEmpty()) {
            throw onDisk;
        }
        RuleBase ruleBase;
        try {
            ruleBase = compiler.compile(RuleSet.sources(stored.get().files()));
        } catch (RuleCompilationException e) {
            LOG.error("the last accepted rules {} no longer compile either: {}", stored.get().version().substring(0, 12), e.getMessage());
            throw onDisk;
        }
        LOG.error("DEGRADED: the rules on disk do not compile; starting with the last accepted version {} ({} rules, accepted {}). "
                + "Fix the files (or set engine.failOnRuleError: true to refuse to start):\n  {}", ruleBase.shortVersion(),
                ruleBase.ruleCount(), stored.get().createdAt(), String.join("\n  ", onDisk.problems().stream().map(RuleProblem::toString).toList()));
        return ruleBase;
    }
}
