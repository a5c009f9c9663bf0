package io.homeostat.service.cli;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import io.homeostat.service.HomeostatConfiguration;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.RuleCompilationException;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.model.RuleVersionRecord;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.recording.Backtest;
import io.homeostat.service.recording.BacktestText;
import io.homeostat.service.rules.RuleSet;
import io.homeostat.service.rules.ScenarioRunner;
import io.homeostat.service.store.Store;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code rules validate [--rules DIR] config.yml}: compiles the rules directory (or DIR) as a
 * reload would and prints its version or every problem with file and line (exit status 1).
 * {@code rules test [--scenarios DIR] config.yml}: runs the rule scenarios on the pseudo clock
 * and prints PASS/FAIL with the differences (exit status 1 on a failure).
 * {@code rules backtest --rules CANDIDATE_DIR --from T1 [--to T2] config.yml}: replays the recorded
 * signals of the period against the live rules and the candidate and prints how they differ.
 * {@code rules rollback config.yml}: writes the previous accepted rule version (from the
 * database) back to the rules directory. A running service picks it up through its watcher;
 * a stopped one starts with it.
 */
public final class RulesCommand extends ConfiguredCommand<HomeostatConfiguration> {
    public RulesCommand() {
        super("rules", "Rule operations: validate (compile without applying), test (run the scenarios on the pseudo clock), "
                + "backtest (replay recorded signals against candidate rules), "
                + "rollback (write the previous accepted version back to the rules directory)");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("action").choices("validate", "test", "backtest", "rollback").help("what to do");
        subparser.addArgument("--rules").dest("candidate")
                .help("for backtest: the candidate rules directory; for validate: the directory to check (default: the configured one)");
        subparser.addArgument("--from").dest("from").help("for backtest: start of the period, ISO-8601 (e.g. 2026-11-21T00:00:00Z)");
        subparser.addArgument("--to").dest("to").help("for backtest: end of the period (default: now)");
        subparser.addArgument("--scenarios").dest("scenarios")
                .help("for test: the scenario directory (default: the rules directory's scenarios/)");
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<HomeostatConfiguration> bootstrap, Namespace namespace, HomeostatConfiguration configuration)
            throws Exception {
        Path directory = Path.of(configuration.getEngine().getRulesDirectory());
        if ("validate".equals(namespace.getString("action"))) {
            Path candidate = namespace.getString("candidate") == null ? directory : Path.of(namespace.getString("candidate"));
            if (!validate(candidate, System.out)) {
                throw new IllegalStateException(candidate + " does not compile; nothing was applied");
            }
            return;
        }
        if ("backtest".equals(namespace.getString("action"))) {
            backtest(directory, namespace, configuration);
            return;
        }
        if ("test".equals(namespace.getString("action"))) {
            test(directory, namespace.getString("scenarios") == null ? directory.resolve("scenarios") : Path.of(namespace.getString("scenarios")),
                    configuration);
            return;
        }
        ManagedDataSource dataSource = configuration.getDatabase().build(bootstrap.getMetricRegistry(), "rules-command");
        try {
            Store store = new Store(Jdbi.create(dataSource), bootstrap.getObjectMapper());
            Optional<RuleVersionRecord> previous = RuleSet.writePrevious(directory, store.ruleVersions());
            if (previous.isEmpty()) {
                throw new IllegalStateException("there is no earlier accepted rule version to return to");
            }
            System.out.println("wrote rule version " + previous.get().version().substring(0, 12) + " (" + previous.get().ruleCount()
                    + " rules, accepted " + previous.get().createdAt() + ", " + previous.get().cause() + ") to " + directory);
        } finally {
            dataSource.stop();
        }
    }

    private static void backtest(Path live, Namespace namespace, HomeostatConfiguration configuration) throws Exception {
        if (namespace.getString("candidate") == null || namespace.getString("from") == null) {
            throw new IllegalArgumentException("backtest needs --rules CANDIDATE_DIR and --from T1 (and optionally --to T2)");
        }
        Instant from = Instant.parse(namespace.getString("from"));
        Instant to = namespace.getString("to") == null ? Instant.now() : Instant.parse(namespace.getString("to"));
        if (ManagementFactory.getGarbageCollectorMXBeans().stream().anyMatch(gc -> gc.getName().startsWith("G1"))) {
            // scripts/run passes -XX:+UseParallelGC; someone running the jar directly should know.
            System.err.println("note: this JVM runs G1; a backtest replays about twice as fast with -XX:+UseParallelGC (scripts/run sets it)");
        }
        RuleBaseCompiler compiler = new RuleBaseCompiler();
        PluginRegistry plugins =
                new PluginRegistry(Path.of(configuration.getPlugins().getDirectory()));
        List<AvailableAction> actions;
        try {
            plugins.load();
            actions = plugins.availableActions();
        } finally {
            plugins.stop();
        }
        Backtest.Report report = Backtest.run(compiler.compile(live),
                compiler.compile(Path.of(namespace.getString("candidate"))), configuration.buildPolicy(), actions,
                Path.of(configuration.getRecording().getDirectory()), from, to);
        System.out.println(BacktestText.render(report, live, Path.of(namespace.getString("candidate"))));
    }

    /**
     * Compiles a rules directory exactly as a reload would, applying nothing: prints its version
     * and rule count, or every problem with its file and line. True when it compiles.
     */
    public static boolean validate(Path rules, PrintStream out) {
        try {
            RuleBase compiled = new RuleBaseCompiler().compile(rules);
            out.println("valid: " + rules + ": " + compiled.ruleCount() + " rules in " + compiled.files().size() + " files, version "
                    + compiled.shortVersion());
            return true;
        } catch (RuleCompilationException e) {
            out.println("invalid: " + rules + ": " + e.problems().size() + " problem" + (e.problems().size() == 1 ? "" : "s"));
            e.problems().forEach(problem -> out.println("  " + problem));
            return false;
        } catch (IOException e) {
            out.println("invalid: " + rules + ": cannot read: " + e.getMessage());
            return false;
        }
    }

    private static void test(Path rules, Path scenarios, HomeostatConfiguration configuration) throws Exception {
        ScenarioRunner runner = new ScenarioRunner(new RuleBaseCompiler().compile(rules), configuration.buildPolicy());
        List<ScenarioRunner.Result> results = runner.runAll(scenarios);
        long failed = results.stream().filter(result -> !result.passed()).count();
        for (ScenarioRunner.Result result : results) {
            System.out.println((result.passed() ? "PASS " : "FAIL ") + result.file() + ": " + result.name());
            result.differences().forEach(difference -> System.out.println("    " + difference));
        }
        System.out.println(results.size() + " scenarios, " + (results.size() - failed) + " passed, " + failed + " failed");
        if (results.isEmpty() || failed > 0) {
            throw new IllegalStateException(results.isEmpty() ? "no scenarios in " + scenarios : failed + " scenario(s) failed");
        }
    }

    /** An operator's mistake is one line, not a stack trace. */
    @Override
    public void onError(Cli cli, Namespace namespace, Throwable error) {
        CommandErrors.print(cli, error);
    }
}
