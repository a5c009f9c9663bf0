package io.homeostat.service.engine;

import io.homeostat.service.testing.TestPolicy;
import static io.homeostat.service.engine.GatesTest.down;
import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.ActiveRemediation;
import io.homeostat.service.engine.facts.Approval;
import io.homeostat.service.engine.facts.ApprovalState;
import io.homeostat.service.engine.facts.Issue;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.RemediationStarted;
import io.homeostat.service.engine.facts.Signal;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Carrying a session over to new rules: facts, windows, gate state and timers survive; nothing leaks. */
class RuleSwapTest {
    private static final String EXTRA = """
            package homeostat.rules.extra;
            import io.homeostat.service.engine.facts.*;
            rule "extra: any failed probe is noted"
            when
                $s : Signal( metric == "probe.success", value == 0, $t : tenant, $r : resource )
                not Issue( tenant == $t, resource == $r, type == "probe_noted" )
            then
                insert( new Issue( $t, $r, "probe_noted", Severity.LOW, "test", $s.getTime(), drools.getRule().getName(), "noted" ) );
            end
            """;

    static List<RuleBaseCompiler.RuleSource> shippedPlus(String name, String drl) throws Exception {
        List<RuleBaseCompiler.RuleSource> sources = new ArrayList<>();
        Path rules = Path.of(System.getProperty("homeostat.rules.dir", "../rules"));
        try (Stream<Path> files = Files.list(rules)) {
            for (Path file : files.filter(path -> RuleBaseCompiler.isRuleFile(path.getFileName().toString())).sorted().toList()) {
                sources.add(new RuleBaseCompiler.RuleSource(file.getFileName().toString(), Files.readString(file)));
            }
        }
        if (name != null) {
            sources.add(new RuleBaseCompiler.RuleSource(name, drl));
        }
        return sources;
    }

    @Test
    void issuesGateStateAndWindowsCarryOverAndANewRuleSeesTheSignalsAlreadyThere() throws Exception {
        RuleBase extended = new RuleBaseCompiler().compile(shippedPlus("extra.drl", EXTRA));
        try (RuleTestSession rules = new RuleTestSession(TestPolicy.trusted().toBuilder().rateLimits(1, 10, 100).build())) {
            down(rules, "service:web");
            String issueId = rules.issue().id();
            assertThat(rules.lastDecision().outcome()).isEqualTo("run");
            long signals = rules.engine().facts(Signal.class).size();

            try (EngineSession next = rules.engine().successor(extended)) {
                assertThat(next.now()).isEqualTo(rules.engine().now());
                assertThat(next.facts(Signal.class)).hasSize((int) signals);
                assertThat(next.facts(Issue.class)).extracting(Issue::getId).containsExactly(issueId);
                assertThat(next.facts(ActiveRemediation.class)).hasSize(1);
                assertThat(next.facts(RemediationStarted.class)).hasSize(1);
                EngineOutputs outputs = next.fire();
                assertThat(outputs.issues()).as("the new rule fires on the carried signals")
                        .anySatisfy(issue -> assertThat(issue.type()).isEqualTo("probe_noted"));
                assertThat(outputs.decisions()).as("nothing already decided is decided again")
                        .noneMatch(d -> d.issueId().equals(issueId));
            }
        }
    }

    @Test
    void timersResumeWithTheTimeTheyHadLeft() throws Exception {
        RuleBase same = new RuleBaseCompiler().compile(shippedPlus(null, null));
        try (RuleTestSession rules = new RuleTestSession()) {
            rules.engine().setAvailableActions(List.of(GatesTest.risky()));
            down(rules, "service:db");
            rules.advance(Duration.ofMinutes(10));
            try (EngineSession next = rules.engine().successor(same)) {
                next.fire(); // as the engine does right after a swap: timers start when rules are evaluated
                next.advance(Duration.ofMinutes(4));
                next.fire();
                assertThat(next.facts(Approval.class)).singleElement().satisfies(a -> assertThat(a.getState()).isEqualTo(ApprovalState.PENDING));
                next.advance(Duration.ofMinutes(2));
                next.fire();
                assertThat(next.facts(Approval.class)).as("15 min after it was asked, not 15 after the swap")
                        .singleElement().satisfies(a -> assertThat(a.getState()).isEqualTo(ApprovalState.EXPIRED));
            }
        }
    }

    @Test
    void twoHundredSwapsKeepLoadedClassesAndHeapFlat() throws Exception {
        RuleBaseCompiler compiler = new RuleBaseCompiler();
        String small = """
                package homeostat.rules.leak;
                import io.homeostat.service.engine.facts.*;
                rule "leak: high reading %d"
                when
                    $s : Signal( metric == "leak.metric", value > %d, $t : tenant, $r : resource )
                    not Issue( tenant == $t, resource == $r, type == "leak" )
                then
                    insert( new Issue( $t, $r, "leak", Severity.LOW, "test", $s.getTime(), drools.getRule().getName(), "x" ) );
                end
                """;
        EngineSession session = EngineSession.pseudoClock(compiler.compile(List.of(new RuleBaseCompiler.RuleSource("leak.drl",
                small.formatted(0, 90)))), RuleTestSession.START);
        session.setPolicy(TestPolicy.trusted());
        for (int i = 0; i < 100; i++) {
            session.insert(new Signal("default", "service:s" + i, "leak.metric", i, session.now(), null, "test", java.util.Map.of(),
                    System.nanoTime()));
        }
        session.fire();
        long classesAt50 = 0;
        long heapAt50 = 0;
        for (int reload = 1; reload <= 200; reload++) {
            RuleBase next = compiler.compile(List.of(new RuleBaseCompiler.RuleSource("leak.drl", small.formatted(reload, 90 + reload % 5))));
            EngineSession successor = session.successor(next);
            session.close();
            session = successor;
            session.fire();
            if (reload == 50) {
                classesAt50 = loadedClassesAfterGc();
                heapAt50 = usedHeapAfterGc();
            }
        }
        long classesAt200 = loadedClassesAfterGc();
        long heapAt200 = usedHeapAfterGc();
        assertThat(session.facts(Signal.class)).hasSize(100);
        session.close();
        // Each build generates classes; if a swap kept the old rule base alive, 150 more swaps would
        // leave hundreds of classes and megabytes behind.
        assertThat(classesAt200 - classesAt50).as("classes loaded between swap 50 and 200").isLessThan(300);
        assertThat(heapAt200 - heapAt50).as("heap used between swap 50 and 200").isLessThan(32L * 1024 * 1024);
    }

    private static long loadedClassesAfterGc() throws InterruptedException {
        usedHeapAfterGc();
        return ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
