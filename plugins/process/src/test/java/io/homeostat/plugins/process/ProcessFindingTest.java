package io.homeostat.plugins.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.testing.TestActionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * process.restart for a process found by its command line (no pid file) on real processes, and for a
 * systemd unit through this machine's real systemctl (which refuses: no systemd runs here).
 */
class ProcessFindingTest {
    private final List<ProcessHandle> started = new ArrayList<>();
    private final ProcessRestartAction action = new ProcessRestartAction();
    /** A sleep no other test or program runs: its argument is the marker the command line is matched on. */
    private final String seconds = "3600." + ThreadLocalRandom.current().nextInt(100_000, 999_999);

    @AfterEach
    void killLeftovers() {
        started.forEach(ProcessHandle::destroyForcibly);
        Matching.processes(Pattern.compile("sleep " + Pattern.quote(seconds))).forEach(ProcessHandle::destroyForcibly);
    }

    private TestActionContext context(Map<String, Object> entry) {
        return new TestActionContext("service:worker", Map.of(),
                new PluginSettings("plugins.settings.process", Map.of("resources", Map.of("service:worker", entry))), Duration.ofSeconds(20));
    }

    private Map<String, Object> byCommandLine() {
        return Map.of("command", List.of("sleep", seconds), "commandMatches", "sleep " + Pattern.quote(seconds), "settleSeconds", "0.2",
                "stopTimeoutSeconds", "2");
    }

    private ProcessHandle sleeper() throws Exception {
        ProcessHandle handle = new ProcessBuilder("sleep", seconds).start().toHandle();
        started.add(handle);
        return handle;
    }

    @Test
    void aProcessWithoutAPidFileIsFoundByItsCommandLineAndReplaced() throws Exception {
        ProcessHandle old = sleeper();

        ActionResult result = action.execute(context(byCommandLine()));

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(old.onExit().get(5, TimeUnit.SECONDS).isAlive()).isFalse();
        List<ProcessHandle> now = Matching.processes(Pattern.compile("sleep " + Pattern.quote(seconds)));
        assertThat(now).hasSize(1);
        assertThat(result.details()).containsEntry("oldPid", Long.toString(old.pid())).containsEntry("newPid", Long.toString(now.get(0).pid()));
    }

    @Test
    void severalMatchingProcessesAreAmbiguousAndNoneIsStopped() throws Exception {
        ProcessHandle first = sleeper();
        ProcessHandle second = sleeper();

        ActionResult result = action.execute(context(byCommandLine()));

        assertThat(result.succeeded()).isFalse();
        assertThat(result.message()).contains("2 processes match commandMatches").contains(Long.toString(first.pid()), Long.toString(second.pid()))
                .endsWith("none was stopped");
        assertThat(first.isAlive()).isTrue();
        assertThat(second.isAlive()).isTrue();
    }

    @Test
    void aStartedProcessTheMatchWouldNotFindAgainIsAFailure() throws Exception {
        Map<String, Object> entry = Map.of("command", List.of("sleep", seconds), "commandMatches", "never-this-" + seconds, "settleSeconds", "0.2");
        ActionResult result = action.execute(context(entry));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.message()).contains("does not match commandMatches").contains("the next restart could not find it");
    }

    @Test
    void aSystemdUnitIsRestartedThroughSystemctlWhoseRefusalIsQuoted() throws Exception {
        // This machine has systemctl but was not booted with systemd: the real systemctl refuses ("Failed to connect to
        // bus"), as it would for a unit that does not exist on a machine that runs systemd; its last line is quoted.
        ActionResult result = action.execute(context(Map.of("unit", "homeostat-test.service", "startTimeoutSeconds", "2")));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.details()).containsEntry("unit", "homeostat-test.service");
        assertThat(result.message()).matches("systemctl restart homeostat-test\\.service failed: systemctl exited with [1-9][0-9]*: \\S.*");
    }

    @Test
    void aUnitNameIsAUnitNameAndTheWaysToRestartExcludeEachOther() {
        List<String> problems = action.validate(new PluginSettings("plugins.settings.process", Map.of("resources", Map.of(
                "service:a", Map.of("unit", "nginx.service; rm -rf /"),
                "service:b", Map.of("unit", "--now"),
                "service:c", Map.of("unit", "nginx.service", "command", List.of("nginx")),
                "service:d", Map.of("command", List.of("nginx"), "pidFile", "/run/nginx.pid", "commandMatches", "nginx"),
                "service:e", Map.of("command", List.of("nginx"), "commandMatches", "(unclosed"),
                "service:ok", Map.of("unit", "nginx@blue.service")))));
        assertThat(problems).hasSize(5);
        assertThat(String.join("\n", problems)).contains(
                "\"service:a\".unit must be a systemd unit name such as nginx.service, was 'nginx.service; rm -rf /'",
                "\"service:b\".unit must be a systemd unit name",
                "\"service:c\" needs exactly one of 'command'",
                "\"service:d\" needs exactly one of 'pidFile' and 'commandMatches'",
                "\"service:e\".commandMatches does not compile");
    }
}
