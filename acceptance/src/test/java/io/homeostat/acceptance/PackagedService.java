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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

/**
 * The packaged service (service/target/homeostat.jar) run as its own process in a home directory of
 * a test's, on free ports and an H2 file with durable commits, so that a test can kill it, starve
 * it of memory and start it again as an operator's supervisor would. Keeps every run's log under
 * target/ for whoever reads a failure.
 */
final class PackagedService implements AutoCloseable {
    static final Path PROJECT = Path.of(System.getProperty("homeostat.project.dir", ".."));
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path home;
    private final String logsUnder;
    private final String key;
    private final int apiPort;
    private final int adminPort;
    private final List<Process> started = new ArrayList<>();

    /**
     * Writes config.yml (the given sections after the common ones) and a copy of the shipped rules into
     * {@code home}; {@link #close} keeps the logs under target/{@code logsUnder}.
     */
    PackagedService(Path home, String logsUnder, String extraConfig) throws IOException {
        this(home, logsUnder, """
                database:
                  driverClass: org.h2.Driver
                  url: jdbc:h2:async:%s/homeostat;MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0
                  user: sa
                  password: ""
                """.formatted(home.resolve("data").toAbsolutePath()), newKey(), extraConfig);
    }

    /** An admin key for {@code auth.adminKey}: replicas on one database share it (the first one stores it). */
    static String newKey() {
        return "hst_" + UUID.randomUUID().toString().replace("-", "") + UUID.randomUUID().toString().replace("-", "");
    }

    /** As above, on the {@code database} section given (YAML) and with the admin key given. */
    PackagedService(Path home, String logsUnder, String database, String key, String extraConfig) throws IOException {
        this.home = home;
        this.key = key;
        this.logsUnder = logsUnder;
        this.apiPort = freePort();
        this.adminPort = freePort();
        Path rules = Files.createDirectories(home.resolve("rules"));
        try (Stream<Path> shipped = Files.list(PROJECT.resolve("rules"))) {
            for (Path file : shipped.filter(Files::isRegularFile).toList()) {
                Files.copy(file, rules.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        Files.createDirectories(home.resolve("data"));
        String data = home.resolve("data").toAbsolutePath().toString();
        Files.writeString(home.resolve("config.yml"), """
                server:
                  applicationConnectors: [{type: http, bindHost: 127.0.0.1, port: %d}]
                  adminConnectors: [{type: http, bindHost: 127.0.0.1, port: %d}]
                  requestLog: {appenders: []}
                %s
                engine: {rulesDirectory: %s, tick: 100ms}
                recording: {directory: %s/signals}
                outbox: {directory: %s/outbox}
                retention: {archiveDirectory: %s/archive}
                auth: {adminKey: %s}
                logging: {level: INFO}
                policy: {autonomy: {startIn: auto}}
                """.formatted(apiPort, adminPort, database.strip(), rules.toAbsolutePath(), data, data, data, key) + extraConfig);
    }

    /** The plugins section with the shipped jars, notify sent nowhere, and {@code settings} (indented YAML) added. */
    static String plugins(String settings) {
        return """
                plugins:
                  directory: %s
                  settings:
                    notify: {url: "http://127.0.0.1:9/escalations", timeoutSeconds: 2}
                """.formatted(PROJECT.resolve("target/plugins").toAbsolutePath()) + settings;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Starts the jar with these JVM options and waits until it is ready (or dead); its output goes to {@code <name>.log}. */
    Process start(String name, String... jvmOptions) throws Exception {
        Path jar = PROJECT.resolve("service/target/homeostat.jar");
        assertThat(jar).as("the service module packaged its jar").exists();
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-jar", jar.toAbsolutePath().toString(), "server", "config.yml"));
        Process service = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(home.resolve(name + ".log").toFile()).start();
        started.add(service);
        await(Duration.ofSeconds(90), () -> status(admin("/ready")) == 200 || !service.isAlive(), "the service became ready");
        assertThat(service.isAlive()).as("service %s started: %s", name, log(name)).isTrue();
        return service;
    }

    String log(String name) throws IOException {
        return Files.readString(home.resolve(name + ".log"));
    }

    String admin(String path) {
        return "http://127.0.0.1:" + adminPort + path;
    }

    static int status(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    /** GET of an API path with the admin key, expecting 200. */
    JsonNode get(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path))
                .header("Authorization", "Bearer " + key).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", path, response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    /** POST of a batch of signals (JSON objects) with the admin key; the status, or -1 when nothing answered. */
    int signals(List<String> signals) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/api/v1/signals"))
                    .header("Authorization", "Bearer " + key).header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                    .POST(HttpRequest.BodyPublishers.ofString("{\"signals\":[" + String.join(",", signals) + "]}")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String signal(String resource, String metric, double value) {
        return "{\"resource\":\"" + resource + "\",\"metric\":\"" + metric + "\",\"value\":" + value + ",\"source\":\"test\"}";
    }

    static void await(Duration limit, BooleanSupplier condition, String what) throws InterruptedException {
        Instant until = Instant.now().plus(limit);
        while (!condition.getAsBoolean()) {
            if (Instant.now().isAfter(until)) {
                throw new AssertionError("timed out after " + limit + " waiting until " + what);
            }
            Thread.sleep(50);
        }
    }

    /** Stops every process started, and keeps their logs under target/, for whoever reads a failure. */
    @Override
    public void close() throws Exception {
        for (Process service : started) {
            service.destroyForcibly();
            service.waitFor(10, TimeUnit.SECONDS);
        }
        Path kept = Files.createDirectories(Path.of("target", logsUnder));
        try (Stream<Path> logs = Files.list(home)) {
            for (Path log : logs.filter(path -> path.toString().endsWith(".log")).toList()) {
                Files.copy(log, kept.resolve(log.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
