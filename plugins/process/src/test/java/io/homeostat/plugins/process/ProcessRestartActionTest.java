package io.homeostat.plugins.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.testing.TestActionContext;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRestartActionTest {
    @TempDir
    Path directory;

    private final List<ProcessHandle> toKill = new ArrayList<>();
    private final ProcessRestartAction action = new ProcessRestartAction();

    @AfterEach
    void killLeftovers() throws Exception {
        Path pidFile = directory.resolve("svc.pid");
        if (Files.exists(pidFile)) {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(toKill::add);
        }
        toKill.forEach(ProcessHandle::destroyForcibly);
    }

    private PluginSettings settings(Map<String, Object> entry) {
        return new PluginSettings("plugins.settings.process", Map.of("resources", Map.of("service:demo", entry)));
    }

    private Map<String, Object> sleeper() {
        Map<String, Object> entry = new HashMap<>();
        entry.put("command", List.of("sleep", "300"));
        entry.put("pidFile", directory.resolve("svc.pid").toString());
        entry.put("settleSeconds", "0.2");
        entry.put("stopTimeoutSeconds", "2");
        return entry;
    }

    @Test
    void replacesTheRunningProcessWithANewOne() throws Exception {
        Process old = new ProcessBuilder("sleep", "300").start();
        toKill.add(old.toHandle());
        Files.writeString(directory.resolve("svc.pid"), Long.toString(old.pid()));

        ActionResult result = action.execute(new TestActionContext("service:demo", Map.of(), settings(sleeper()), Duration.ofSeconds(20)));

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(old.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).as("old process stopped").isTrue();
        long newPid = Long.parseLong(Files.readString(directory.resolve("svc.pid")).trim());
        assertThat(newPid).isNotEqualTo(old.pid());
        assertThat(ProcessHandle.of(newPid)).hasValueSatisfying(handle -> assertThat(handle.isAlive()).isTrue());
        assertThat(result.details()).containsEntry("oldPid", Long.toString(old.pid())).containsEntry("newPid", Long.toString(newPid));
    }

    @Test
    void startsNoNewProcessOnceTheReplicaLostTheResourcesLease() throws Exception {
        // Paused while the old process stopped, another replica took the resource over and completes the restart.
        Process old = new ProcessBuilder("sleep", "300").start();
        toKill.add(old.toHandle());
        Files.writeString(directory.resolve("svc.pid"), Long.toString(old.pid()));

        ActionResult result = action.execute(new TestActionContext("service:demo", Map.of(), settings(sleeper()), Duration.ofSeconds(20))
                .leaseLost());

        assertThat(result.succeeded()).isFalse();
        assertThat(result.message()).contains("no longer holds its lease");
        assertThat(Files.readString(directory.resolve("svc.pid")).trim()).as("no new process recorded").isEqualTo(Long.toString(old.pid()));
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("sleep 300"))
                .filter(p -> p.parent().map(parent -> parent.pid() == ProcessHandle.current().pid()).orElse(false))
                .filter(ProcessHandle::isAlive).count()).as("no sleep started by the action").isZero();
    }

    @Test
    void waitsForTheHealthUrlAndFailsWhenItNeverAnswers2xx() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        int[] status = {503};
        server.createContext("/health", exchange -> {
            exchange.sendResponseHeaders(status[0], -1);
            exchange.close();
        });
        server.start();
        try {
            Map<String, Object> entry = sleeper();
            entry.put("healthUrl", "http://127.0.0.1:" + server.getAddress().getPort() + "/health");
            entry.put("startTimeoutSeconds", "1");
            ActionResult failing = action.execute(new TestActionContext("service:demo", Map.of(), settings(entry), Duration.ofSeconds(20)));
            assertThat(failing.succeeded()).isFalse();
            assertThat(failing.details()).containsEntry("healthStatus", "503");

            status[0] = 200;
            ActionResult healthy = action.execute(new TestActionContext("service:demo", Map.of(), settings(entry), Duration.ofSeconds(20)));
            assertThat(healthy.succeeded()).as(healthy.message()).isTrue();
            assertThat(healthy.details()).containsEntry("healthStatus", "200");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void refusesResourcesThatAreNotAllowListed() throws Exception {
        ActionResult result = action.execute(new TestActionContext("service:other", Map.of(), settings(sleeper()), Duration.ofSeconds(5)));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.applicable()).as("not applicable: nothing was done, and it is not the action failing").isFalse();
        assertThat(result.message()).contains("not allow-listed").contains("plugins.settings.process.resources");
        assertThat(directory.resolve("svc.pid")).doesNotExist();
    }

    @Test
    void leavesAnUnrelatedProcessAloneWhenThePidWasRecycled() throws Exception {
        // The pid file points at this test's own JVM: a restart must not kill it.
        Files.writeString(directory.resolve("svc.pid"), Long.toString(ProcessHandle.current().pid()));
        ActionResult result = action.execute(new TestActionContext("service:demo", Map.of(), settings(sleeper()), Duration.ofSeconds(20)));
        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(result.details()).doesNotContainKey("oldPid");
    }

    @Test
    void reportsAProcessThatDiesRightAfterStartingAndRecordedItAtOnce() throws Exception {
        Files.writeString(directory.resolve("svc.pid"), "999999999");
        Map<String, Object> entry = sleeper();
        entry.put("command", List.of("false"));
        ActionResult result = action.execute(new TestActionContext("service:demo", Map.of(), settings(entry), Duration.ofSeconds(10)));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.message()).contains("exited");
        // Recorded before it settles, so that a crash of the service meanwhile does not start a second one;
        // a dead pid reads as "none running", as the stopped old one would.
        assertThat(Files.readString(directory.resolve("svc.pid"))).isEqualTo(result.details().get("newPid"));
    }

    @Test
    void reconcileReportsTheProcessAnInterruptedRestartStartedAndStartsNoOther() throws Exception {
        java.time.Instant attemptStarted = java.time.Instant.now();
        Process started = new ProcessBuilder("sleep", "300").start();
        toKill.add(started.toHandle());
        Files.writeString(directory.resolve("svc.pid"), Long.toString(started.pid()));

        ActionResult result = action.reconcile(new TestActionContext("service:demo", Map.of(), settings(sleeper()), Duration.ofSeconds(20)),
                attemptStarted).orElseThrow();

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(result.message()).contains("not restarted again");
        assertThat(result.details()).containsEntry("reconciled", "effect in place");
        assertThat(started.isAlive()).isTrue();
        assertThat(Files.readString(directory.resolve("svc.pid"))).isEqualTo(Long.toString(started.pid()));
    }

    @Test
    void reconcileStartsTheProcessWhenTheCrashCameBetweenStopAndStart() throws Exception {
        Process stopped = new ProcessBuilder("sleep", "300").start();
        Files.writeString(directory.resolve("svc.pid"), Long.toString(stopped.pid()));
        java.time.Instant attemptStarted = java.time.Instant.now();
        stopped.destroy();
        stopped.waitFor();

        ActionResult result = action.reconcile(new TestActionContext("service:demo", Map.of(), settings(sleeper()), Duration.ofSeconds(20)),
                attemptStarted).orElseThrow();

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(result.details()).containsEntry("reconciled", "started").doesNotContainKey("oldPid");
        long now = Long.parseLong(Files.readString(directory.resolve("svc.pid")).trim());
        assertThat(ProcessHandle.of(now)).hasValueSatisfying(handle -> assertThat(handle.isAlive()).isTrue());
    }

    @Test
    void reconcileRestartsAProcessThatPredatesTheAttempt() throws Exception {
        Process old = new ProcessBuilder("sleep", "300").start();
        toKill.add(old.toHandle());
        Files.writeString(directory.resolve("svc.pid"), Long.toString(old.pid()));
        Thread.sleep(2_100); // start times are kept to the second: the attempt began clearly after it

        ActionResult result = action.reconcile(new TestActionContext("service:demo", Map.of(), settings(sleeper()), Duration.ofSeconds(20)),
                java.time.Instant.now()).orElseThrow();

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(result.details()).containsEntry("reconciled", "restarted").containsEntry("oldPid", Long.toString(old.pid()));
        assertThat(old.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).as("the old process was stopped").isTrue();
    }

    @Test
    void reconcileCannotTellWhetherARestartCommandRan() throws Exception {
        Map<String, Object> entry = new HashMap<>(Map.of("restartCommand", List.of("true")));
        assertThat(action.reconcile(new TestActionContext("service:demo", Map.of(), settings(entry), Duration.ofSeconds(5)),
                java.time.Instant.now())).isEmpty();
    }

    @Test
    void recognisesAHungProcessStartedThroughASymlinkAndReplacesIt() throws Exception {
        // The kernel reports /usr/bin/sleep; config names a symlink to it. Comparing names left the hung
        // process running beside a second copy and lost it from the pid file.
        Path link = Files.createSymbolicLink(directory.resolve("my-service"), Executables.resolve("sleep", java.util.Optional.empty())
                .orElseThrow());
        Process hung = new ProcessBuilder(link.toString(), "300").start();
        toKill.add(hung.toHandle());
        assertThat(new ProcessBuilder("kill", "-STOP", Long.toString(hung.pid())).start().waitFor()).isZero();
        Files.writeString(directory.resolve("svc.pid"), Long.toString(hung.pid()));
        Map<String, Object> entry = sleeper();
        entry.put("command", List.of(link.toString(), "300"));

        ActionResult result = action.execute(new TestActionContext("service:demo", Map.of(), settings(entry), Duration.ofSeconds(20)));

        assertThat(result.succeeded()).as(result.message()).isTrue();
        assertThat(result.details()).containsEntry("oldPid", Long.toString(hung.pid()));
        assertThat(hung.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)).as("the hung process was killed").isTrue();
        long newPid = Long.parseLong(Files.readString(directory.resolve("svc.pid")).trim());
        assertThat(ProcessHandle.of(newPid)).hasValueSatisfying(handle -> assertThat(handle.isAlive()).isTrue());
    }

    @Test
    void startsCommandsWithACleanEnvironmentPlusWhatConfigLists() throws Exception {
        // The build sets HOMEOSTAT_TEST_SECRET for the tests; a started process must not inherit it.
        assertThat(System.getenv("HOMEOSTAT_TEST_SECRET")).as("precondition: the secret is in this JVM's environment").isNotBlank();
        Path dump = directory.resolve("environment.txt");
        Map<String, Object> entry = sleeper();
        entry.put("command", List.of("sh", "-c", "env > '" + dump + "'; exec sleep 300"));
        entry.put("environment", Map.of("GREETING", "hello"));

        ActionResult result = action.execute(new TestActionContext("service:demo", Map.of(), settings(entry), Duration.ofSeconds(20)));

        assertThat(result.succeeded()).as(result.message()).isTrue();
        String environment = Files.readString(dump);
        assertThat(environment).contains("GREETING=hello").contains("PATH=")
                .doesNotContain("HOMEOSTAT_TEST_SECRET").doesNotContain(System.getenv("HOMEOSTAT_TEST_SECRET"));

        Path commandDump = directory.resolve("command-environment.txt");
        ActionResult command = action.execute(new TestActionContext("service:demo", Map.of(),
                settings(Map.of("restartCommand", List.of("sh", "-c", "env > '" + commandDump + "'"))), Duration.ofSeconds(10)));
        assertThat(command.succeeded()).as(command.message()).isTrue();
        assertThat(Files.readString(commandDump)).doesNotContain("HOMEOSTAT_TEST_SECRET");
    }

    @Test
    void runsARestartCommandAndChecksItsExitCode() throws Exception {
        Map<String, Object> entry = Map.of("restartCommand", List.of("sh", "-c", "exit 3"));
        ActionResult result = action.execute(new TestActionContext("service:demo", Map.of(), settings(entry), Duration.ofSeconds(10)));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.details()).containsEntry("exitCode", "3");
    }
}
