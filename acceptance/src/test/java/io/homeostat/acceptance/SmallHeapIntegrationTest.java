package io.homeostat.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The packaged service on a heap too small for the load, started as scripts/run starts it
 * ({@code -XX:+ExitOnOutOfMemoryError} and a bounded heap). Found before: with a 384 MiB heap under
 * load the JVM ran out of memory and limped on with its engine, recorder and watchers dead while
 * the API answered 202. Now, with the budget for live signals derived from the heap (the default),
 * it refuses what it cannot hold and stays up; with the budget set beyond the heap (a
 * misconfiguration), it dies at once with a non-zero status, and the next start restores its state
 * without losing a decision recorded before the death.
 */
class SmallHeapIntegrationTest {
    private static final Logger LOG = LoggerFactory.getLogger(SmallHeapIntegrationTest.class);
    private static final String HEAP = "-Xmx384m";
    private static final int BATCH = 5_000;

    @TempDir
    Path home;

    private PackagedService service;

    @AfterEach
    void stop() throws Exception {
        if (service != null) {
            service.close();
        }
    }

    /** Healthy readings of ever new hosts, so that every signal and every series is one more to hold. */
    private static List<String> load(int batchNumber) {
        List<String> signals = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            signals.add(PackagedService.signal("host:load-" + batchNumber + "-" + i, "cpu.utilization", 10));
        }
        return signals;
    }

    @Test
    void withItsDefaultBoundItRefusesWhatItsHeapCannotHoldAndStaysUp() throws Exception {
        service = new PackagedService(home, "small-heap/bounded", PackagedService.plugins(""));
        Process process = service.start("bounded", "-XX:+ExitOnOutOfMemoryError", HEAP);
        Map<Integer, Integer> answers = new TreeMap<>();
        long started = System.nanoTime();
        for (int batch = 0; System.nanoTime() - started < Duration.ofSeconds(90).toNanos() && process.isAlive(); batch++) {
            answers.merge(service.signals(load(batch)), 1, Integer::sum);
            if (answers.getOrDefault(503, 0) >= 20) {
                break;
            }
        }
        LOG.info("answers under load on {}: {}", HEAP, answers);
        assertThat(process.isAlive()).as("alive after %s: %s", answers, service.log("bounded")).isTrue();
        assertThat(answers).as("refused at its heap budget").containsKey(503);
        assertThat(PackagedService.status(service.admin("/live"))).isEqualTo(200);
        assertThat(service.log("bounded")).contains("against its heap budget").doesNotContain("OutOfMemoryError");
    }

    @Test
    void withItsBoundBeyondTheHeapItDiesAtOnceAndTheNextStartLosesNoDecision() throws Exception {
        service = new PackagedService(home, "small-heap/starved", PackagedService.plugins("") + "intake: {liveSignalBudget: 10GiB}\n");
        Process process = service.start("starved", "-XX:+ExitOnOutOfMemoryError", HEAP);
        List<String> failing = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            String probe = PackagedService.signal("service:s" + i, "probe.success", 0);
            failing.addAll(List.of(probe, probe, probe));
        }
        assertThat(service.signals(failing)).isEqualTo(202);
        PackagedService.await(Duration.ofSeconds(30), () -> decisions().size() >= 10, "every failing service has its decision");
        List<String> before = decisions();

        long loadStarted = System.nanoTime();
        int batches = 0;
        while (process.isAlive() && System.nanoTime() - loadStarted < Duration.ofMinutes(3).toNanos()) {
            service.signals(load(batches++));
        }
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("it died: %s", service.log("starved")).isTrue();
        long diedAfter = Duration.ofNanos(System.nanoTime() - loadStarted).toSeconds();
        LOG.info("on {} the service died after {} s of load ({} batches of {}), exit status {}", HEAP, diedAfter, batches, BATCH,
                process.exitValue());
        assertThat(process.exitValue()).as("a non-zero exit for its supervisor").isNotZero();
        assertThat(service.log("starved")).contains("java.lang.OutOfMemoryError").contains("Terminating due to java.lang.OutOfMemoryError");

        service.start("restarted", "-Xmx1g");
        List<String> after = decisions();
        assertThat(after).as("every decision recorded before the death is there after the restart").containsAll(before);
        for (int i = 0; i < 10; i++) {
            String resource = "service:s" + i;
            assertThat(service.get("/api/v1/issues?resource=" + resource).get("total").asInt()).as(resource).isEqualTo(1);
        }
        assertThat(PackagedService.status(service.admin("/ready"))).isEqualTo(200);
    }

    /** The ids of the decisions of the failing services' issues. */
    private List<String> decisions() {
        List<String> ids = new ArrayList<>();
        try {
            for (JsonNode issue : service.get("/api/v1/issues?limit=100").get("items")) {
                for (JsonNode decision : service.get("/api/v1/issues/" + issue.get("id").asText()).get("decisions")) {
                    ids.add(decision.get("id").asText());
                }
            }
        } catch (Exception | AssertionError e) {
            return List.of();
        }
        return ids;
    }
}
