package io.homeostat.service.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.InstanceOfAssertFactories.list;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RuleBaseCompilerTest {
    private static final String GOOD = """
            package homeostat.rules;
            import io.homeostat.service.engine.facts.*;
            rule "x"
            when
                Signal( metric == "a" )
            then
            end
            """;

    @TempDir
    Path directory;

    @Test
    void theShippedRulesCompileWithTheSameVersionEveryTime() throws Exception {
        RuleBase first = new RuleBaseCompiler().compile(Path.of(System.getProperty("homeostat.rules.dir", "../rules")));
        RuleBase second = new RuleBaseCompiler().compile(Path.of(System.getProperty("homeostat.rules.dir", "../rules")));
        assertThat(first.version()).isEqualTo(second.version()).hasSize(64);
        assertThat(first.files()).contains("gates.drl", "service-down.drl", "lifecycle.drl");
        assertThat(first.ruleCount()).isGreaterThan(20);
    }

    @Test
    void reportsEveryErrorWithFileAndLine() throws Exception {
        Files.writeString(directory.resolve("good.drl"), GOOD);
        Files.writeString(directory.resolve("broken.drl"), """
                package homeostat.rules;
                import io.homeostat.service.engine.facts.*;
                rule "missing paren"
                when
                    Signal( metric == "a"
                then
                end
                """);
        Files.writeString(directory.resolve("unknown.drl"), """
                package homeostat.rules;
                import io.homeostat.service.engine.facts.*;

                rule "unknown field"
                when
                    Signal( nonsense == 1 )
                then
                end
                """);
        assertThatThrownBy(() -> new RuleBaseCompiler().compile(directory))
                .isInstanceOf(RuleCompilationException.class)
                .extracting(e -> ((RuleCompilationException) e).problems(), list(RuleProblem.class))
                .anySatisfy(problem -> {
                    assertThat(problem.file()).isEqualTo("broken.drl");
                    assertThat(problem.line()).isBetween(5, 6);
                })
                .anySatisfy(problem -> {
                    assertThat(problem.file()).isEqualTo("unknown.drl");
                    assertThat(problem.line()).isEqualTo(6);
                    assertThat(problem.message()).contains("nonsense");
                });
    }

    @Test
    void rulesInSubDirectoriesCountHiddenFilesAndDirectoriesDoNot() throws Exception {
        Files.createDirectories(directory.resolve("team-a"));
        Files.writeString(directory.resolve("team-a/good.drl"), GOOD);
        Files.createDirectories(directory.resolve(".git/refs"));
        Files.writeString(directory.resolve(".git/refs/broken.drl"), "not a rule");
        Files.writeString(directory.resolve(".good.drl.draft.drl"), "not a rule either");

        assertThat(RuleBaseCompiler.read(directory)).extracting(RuleBaseCompiler.RuleSource::name).containsExactly("team-a/good.drl");
        assertThat(new RuleBaseCompiler().compile(directory).ruleCount()).isPositive();
    }

    @Test
    void aDirectoryWithoutRulesIsAnError() {
        assertThatThrownBy(() -> new RuleBaseCompiler().compile(directory))
                .hasMessageContaining("no *.drl or *.csv files");
        assertThatThrownBy(() -> new RuleBaseCompiler().compile(directory.resolve("missing")))
                .hasMessageContaining("does not exist");
    }

    @Test
    void theSameFilesGiveTheSameVersionAndAChangeGivesANewOne() throws Exception {
        RuleBaseCompiler compiler = new RuleBaseCompiler();
        RuleBase a = compiler.compile(List.of(new RuleBaseCompiler.RuleSource("a.drl", GOOD)));
        RuleBase b = compiler.compile(List.of(new RuleBaseCompiler.RuleSource("a.drl", GOOD)));
        RuleBase c = compiler.compile(List.of(new RuleBaseCompiler.RuleSource("a.drl", GOOD.replace("\"a\"", "\"b\""))));
        assertThat(a.version()).isEqualTo(b.version()).isNotEqualTo(c.version());
    }

    @Test
    void decisionTablesCompileToRulesAndTheirErrorsNameTheTable() throws Exception {
        String table = String.join("\n",
                "RuleSet,homeostat.rules.table",
                "Import,io.homeostat.service.engine.facts.*",
                "",
                "RuleTable noted",
                "NAME,CONDITION,ACTION",
                ",$s : Signal,",
                ",\"metric == \"\"$param\"\"\",\"insert( new Issue( $s.getTenant(), $s.getResource(), \"\"$param\"\", Severity.LOW, \"\"test\"\", $s.getTime(), drools.getRule().getName(), \"\"x\"\" ) );\"",
                "rule,metric,type",
                "noted: a,metric.a,type_a",
                "noted: b,metric.b,type_b");
        RuleBase compiled = new RuleBaseCompiler().compile(List.of(new RuleBaseCompiler.RuleSource("table.csv", table)));
        assertThat(compiled.ruleCount()).isEqualTo(2);
        assertThat(compiled.files()).containsExactly("table.csv");

        String broken = table.replace("Severity.LOW", "Severity.NOPE");
        assertThatThrownBy(() -> new RuleBaseCompiler().compile(List.of(new RuleBaseCompiler.RuleSource("table.csv", broken))))
                .isInstanceOf(RuleCompilationException.class).hasMessageContaining("table.csv (generated rules)");
    }
}
