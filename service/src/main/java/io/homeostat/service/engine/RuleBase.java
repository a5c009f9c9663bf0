package io.homeostat.service.engine;

import java.util.List;
import java.util.Objects;
import org.kie.api.KieBase;

/**
 * A compiled, validated set of rule files: the KieBase sessions are made from, and its identity.
 *
 * @param version SHA-256 over the files' names and contents: the same files give the same version
 * @param sources the rule files it was compiled from (kept: a rule version is recorded with its files)
 */
public record RuleBase(KieBase kieBase, String version, List<RuleBaseCompiler.RuleSource> sources) {
    public RuleBase {
        Objects.requireNonNull(kieBase, "kieBase");
        Objects.requireNonNull(version, "version");
        sources = List.copyOf(sources);
    }

    /** The rule files' names, relative to the rules directory, sorted. */
    public List<String> files() {
        return sources.stream().map(RuleBaseCompiler.RuleSource::name).sorted().toList();
    }

    /** The first 12 hex digits of the version, for logs and health output. */
    public String shortVersion() {
        return version.substring(0, 12);
    }

    public int ruleCount() {
        return kieBase.getKiePackages().stream().mapToInt(kiePackage -> kiePackage.getRules().size()).sum();
    }
}
