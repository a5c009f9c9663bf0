package io.homeostat.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
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
    private static final Path PROJECT = Path.of(System.getProperty("homeostat.project.dir", ".."));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "hst_" + java.util.UUID.randomUUID().toString().replace("-", "")
            + java.util.UUID.randomUUID().toString().replace("-", "");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    enum KillPoint { BETWEEN_STOP_AND_START, AFTER_START_BEFORE_THE_OUTCOME }

    @TempDir
    Path home;

    private final List<Process> services = new ArrayList<>();
    private String scenario = "unstarted";
    private int apiPort;
    private int adminPort;

    @AfterEach
    void cleanUp() throws Exception {
        // The services' logs outlive the temporary directory, for whoever reads a failure.
        Path kept = Files.createDirectories(Path.of("target", "kill-during-restart", scenario));
        try (Stream<Path> logs = Files.list(home)) {
            for (Path log : logs.filter(path -> path.toString().endsWith(".log")).toList()) {
                Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (Process service : services) {
            service.destroyForcibly();
            service.waitFor(10, TimeUnit.SECONDS);
        }
        for (long pid : startedPids()) {
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private void prepare() throws Exception {
        apiPort = freePort();
        adminPort = freePort();
        Path managed = home.resolve("managed.sh");
        Files.writeString(managed, """
                #!/usr/bin/env bash
                # A service that logs each start and takes two seconds to stop.
                echo $$ >> %1$s/starts.log
                trap 'echo $$ >> %1$s/stopping.log; sleep 2; exit 0' TERM
                while true; do sleep 0.1; done
                """.formatted(home.toAbsolutePath()));
        Files.setPosixFilePermissions(managed, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path rules = Files.createDirectories(home.resolve("rules"));
        try (Stream<Path> shipped = Files.list(PROJECT.resolve("rules"))) {
            for (Path file : shipped.filter(Files::isRegularFile).toList()) {
                Files.copy(file, rules.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.writeString(home.resolve("config.yml"), """
                server:
                  applicationConnectors: [{type: http, bindHost: 127.0.0.1, port: %d}]
                  adminConnectors: [{type: http, bindHost: 127.0.0.1, port: %d}]
                  requestLog: {appenders: []}
                database:
                  driverClass: org.h2.Driver
                  url: jdbc:h2:%s/data/homeostat;MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0
                  user: sa
                  password: ""
                engine: {rulesDirectory: %s, tick: 100ms}
                recording: {directory: %s/data/signals}
                outbox: {directory: %s/data/outbox}
                plugins:
                  directory: %s
                  settings:
                    process:
                      resources:
                        "service:managed":
                          command: ["bash", "%s"]
                          pidFile: %s/data/managed.pid
                          settleSeconds: 4
                          stopTimeoutSeconds: 10
                    notify: {url: "http://127.0.0.1:9/escalations", timeoutSeconds: 2}
                auth: {adminKey: %s}
                logging: {level: INFO}
                """.formatted(apiPort, adminPort, home.toAbsolutePath(), rules.toAbsolutePath(), home.toAbsolutePath(),
                home.toAbsolutePath(), PROJECT.resolve("target/plugins").toAbsolutePath(), managed.toAbsolutePath(), home.toAbsolutePath(),
                KEY));
        Files.createDirectories(home.resolve("data"));
    }

    private Process startService(String name) throws Exception {
        Path jar = PROJECT.resolve("service/target/homeostat.jar");
        assertThat(jar).as("the service module packaged its jar").exists();
        Process service = new ProcessBuilder("java", "-jar", jar.toAbsolutePath().toString(), "server", "config.yml")
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(home.resolve(name + ".log").toFile()).start();
        services.add(service);
        awaitTrue(Duration.ofSeconds(90), () -> status("http://127.0.0.1:" + adminPort + "/ready") == 200 || !service.isAlive(),
                "the service became ready");
        assertThat(service.isAlive()).as("service %s started: %s", name, log(name)).isTrue();
        return service;
    }

    private String log(String name) throws IOException {
        return Files.readString(home.resolve(name + ".log"));
    }

    private static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .header("Authorization", "Bearer " + KEY).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private void probe(double value, int times) throws Exception {
        List<String> signals = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            signals.add("{\"resource\":\"service:managed\",\"metric\":\"probe.success\",\"value\":" + value + ",\"source\":\"test\"}");
        }
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/signals"))
                .header("Authorization", "Bearer " + KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"signals\":[" + String.join(",", signals) + "]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    private List<Long> startedPids() throws IOException {
        Path starts = home.resolve("starts.log");
        return Files.exists(starts) ? Files.readAllLines(starts).stream().filter(line -> !line.isBlank()).map(Long::parseLong).toList()
                : List.of();
    }

    private List<Long> alive() throws IOException {
        return startedPids().stream().filter(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).toList();
    }

    private static void awaitTrue(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        Instant until = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("timed out after " + limit + " waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    @ParameterizedTest
    @EnumSource(KillPoint.class)
    void aKilledServiceFinishesTheRestartItWasInTheMiddleOfAndRunsTheManagedServiceExactlyOnce(KillPoint point) throws Exception {
        scenario = point.name().toLowerCase(java.util.Locale.ROOT);
        prepare();
        Process original = new ProcessBuilder("bash", home.resolve("managed.sh").toAbsolutePath().toString()).start();
        Files.writeString(home.resolve("data/managed.pid"), Long.toString(original.pid()));
        awaitTrue(Duration.ofSeconds(5), () -> exists("starts.log"), "the managed service started");

        Process first = startService("first");
        probe(0, 3);
        if (point == KillPoint.BETWEEN_STOP_AND_START) {
            awaitTrue(Duration.ofSeconds(30), () -> exists("stopping.log"), "the restart stopped the managed service");
        } else {
            awaitTrue(Duration.ofSeconds(30), () -> lines("starts.log") == 2, "the restart started a new managed process");
        }
        first.destroyForcibly(); // SIGKILL: no shutdown hook, no drain, nothing written
        assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(original.waitFor(10, TimeUnit.SECONDS)).as("the old process finished stopping").isTrue();
        assertThat(alive()).as("managed processes alive right after the kill").hasSize(point == KillPoint.BETWEEN_STOP_AND_START ? 0 : 1);

        startService("second");
        awaitTrue(Duration.ofSeconds(60), () -> remediationState().equals("succeeded"), "the attempt was reconciled");
        JsonNode attempt = get("/api/v1/remediations?resource=service:managed").get("items").get(0);
        assertThat(attempt.get("message").asText()).startsWith("reconciled after a restart: ")
                .contains(point == KillPoint.BETWEEN_STOP_AND_START ? "completed after an interrupted restart" : "not restarted again");

        assertThat(alive()).as("the managed service runs exactly once").hasSize(1);
        assertThat(lines("starts.log")).as("started twice in all: the original, and the restart's (before or after the kill)").isEqualTo(2);
        long recorded = Long.parseLong(Files.readString(home.resolve("data/managed.pid")).strip());
        assertThat(alive()).containsExactly(recorded);

        // The service is healthy again: the issue recovers with that one attempt; no other strategy ran, nothing escalated.
        probe(1, 1);
        String issueId = attempt.get("issueId").asText();
        awaitTrue(Duration.ofSeconds(30), () -> issueState(issueId).equals("recovering") || issueState(issueId).equals("resolved"),
                "the issue recovered");
        JsonNode issue = get("/api/v1/issues/" + issueId);
        assertThat(get("/api/v1/remediations?resource=service:managed").get("total").asInt()).isEqualTo(1);
        assertThat(issue.get("decisions").findValuesAsText("outcome")).containsOnlyOnce("run");
        assertThat(get("/api/v1/issues?state=escalated").get("total").asInt()).isZero();
    }

    private boolean exists(String file) {
        return Files.exists(home.resolve(file));
    }

    private int lines(String file) {
        try {
            return exists(file) ? (int) Files.readAllLines(home.resolve(file)).stream().filter(line -> !line.isBlank()).count() : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    private String remediationState() {
        try {
            JsonNode items = get("/api/v1/remediations?resource=service:managed").get("items");
            return items.isEmpty() ? "none" : items.get(0).get("state").asText();
        } catch (Exception | AssertionError e) {
            return "unreadable";
        }
    }

    private String issueState(String id) {
        try {
            return get("/api/v1/issues/" + id).get("issue").get("state").asText();
        } catch (Exception | AssertionError e) {
            return "unreadable";
        }
    }
}
