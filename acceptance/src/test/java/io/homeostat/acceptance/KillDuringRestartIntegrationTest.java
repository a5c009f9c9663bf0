package io.homeostat.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code kill -9} of the packaged service in the middle of a {@code process.restart}, at the points
 * where it used to leave the managed service down or restart it twice: between stopping the old
 * process and starting the new one, and after starting it but before the outcome is written. The
 * managed process is a real one (bash) that takes two seconds to stop and logs every start. After
 * the service is started again the attempt is reconciled by looking at the world: the managed
 * service ends up running exactly once, the attempt is recorded as succeeded (reconciled), no other
 * strategy runs and nothing escalates.
 */
class KillDuringRestartIntegrationTest {
    enum KillPoint { BETWEEN_STOP_AND_START, AFTER_START_BEFORE_THE_OUTCOME }

    @TempDir
    Path home;

    private PackagedService service;
    private ManagedService managed;

    @AfterEach
    void cleanUp() throws Exception {
        if (service != null) {
            service.close();
        }
        if (managed != null) {
            managed.killAll();
        }
    }

    private void prepare(KillPoint point) throws Exception {
        managed = new ManagedService(home, 2);
        service = new PackagedService(home, "kill-during-restart/" + point.name().toLowerCase(java.util.Locale.ROOT),
                PackagedService.plugins("""
                    process:
                      resources:
                        "service:managed":
                          command: ["bash", "%s"]
                          pidFile: %s/data/managed.pid
                          settleSeconds: 4
                          stopTimeoutSeconds: 10
                """.formatted(managed.script(), home.toAbsolutePath())));
    }

    private void probe(double value, int times) {
        List<String> signals = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            signals.add(PackagedService.signal("service:managed", "probe.success", value));
        }
        assertThat(service.signals(signals)).isEqualTo(202);
    }

    @ParameterizedTest
    @EnumSource(KillPoint.class)
    void aKilledServiceFinishesTheRestartItWasInTheMiddleOfAndRunsTheManagedServiceExactlyOnce(KillPoint point) throws Exception {
        prepare(point);
        Process original = managed.startOriginal(home.resolve("data/managed.pid"));

        Process first = service.start("first");
        probe(0, 3);
        if (point == KillPoint.BETWEEN_STOP_AND_START) {
            PackagedService.await(Duration.ofSeconds(30), () -> managed.exists("stopping.log"), "the restart stopped the managed service");
        } else {
            PackagedService.await(Duration.ofSeconds(30), () -> managed.lines("starts.log") == 2, "the restart started a new managed process");
        }
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no drain, nothing written
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(original.waitFor(10, TimeUnit.SECONDS)).as("the old process finished stopping").isTrue();
        assertThat(managed.alive()).as("managed processes alive right after the kill").hasSize(point == KillPoint.BETWEEN_STOP_AND_START ? 0 : 1);

        service.start("second");
        PackagedService.await(Duration.ofSeconds(60), () -> remediationState().equals("succeeded"), "the attempt was reconciled");
        JsonNode attempt = service.get("/api/v1/remediations?resource=service:managed").get("items").get(0);
        assertThat(attempt.get("message").asText()).startsWith("reconciled after a restart: ")
                .contains(point == KillPoint.BETWEEN_STOP_AND_START ? "completed after an interrupted restart" : "not restarted again");

        assertThat(managed.alive()).as("the managed service runs exactly once").hasSize(1);
        assertThat(managed.lines("starts.log")).as("started twice in all: the original, and the restart's (before or after the kill)").isEqualTo(2);
        long recorded = Long.parseLong(Files.readString(home.resolve("data/managed.pid")).strip());
        assertThat(managed.alive()).containsExactly(recorded);

        // The service is healthy again: the issue recovers with that one attempt; no other strategy ran, nothing escalated.
        probe(1, 1);
        String issueId = attempt.get("issueId").asText();
        PackagedService.await(Duration.ofSeconds(30), () -> issueState(issueId).equals("recovering") || issueState(issueId).equals("resolved"),
                "the issue recovered");
        JsonNode issue = service.get("/api/v1/issues/" + issueId);
        assertThat(service.get("/api/v1/remediations?resource=service:managed").get("total").asInt()).isEqualTo(1);
        assertThat(issue.get("decisions").findValuesAsText("outcome")).containsOnlyOnce("run");
        assertThat(service.get("/api/v1/issues?state=escalated").get("total").asInt()).isZero();
    }

    private String remediationState() {
        try {
            JsonNode items = service.get("/api/v1/remediations?resource=service:managed").get("items");
            return items.isEmpty() ? "none" : items.get(0).get("state").asText();
        } catch (Exception | AssertionError e) {
            return "unreadable";
        }
    }

    private String issueState(String id) {
        try {
            return service.get("/api/v1/issues/" + id).get("issue").get("state").asText();
        } catch (Exception | AssertionError e) {
            return "unreadable";
        }
    }
}
