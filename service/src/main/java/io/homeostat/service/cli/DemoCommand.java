package io.homeostat.service.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.Command;
import io.dropwizard.core.setup.Bootstrap;
import io.homeostat.service.auth.KeyMaterial;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import net.sourceforge.argparse4j.impl.Arguments;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code demo}: a newcomer's first heal in under a minute. Starts Homeostat on a throwaway database in
 * a temporary directory (the shipped config.yml, rules and plugins, with its own ports, a collector
 * watching a toy service, and every action trusted), starts the toy service, kills it with SIGKILL,
 * and prints each step as the API reports it — issue opened, decision and its gates, the restart,
 * verification, resolution — then the URLs to look at. With {@code --exit} it stops once the issue is
 * resolved (exit status 0), or fails with one line when the heal does not happen in time.
 */
public final class DemoCommand extends Command {
    private static final String TOY = "service:toy";
    private final ObjectMapper json = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public DemoCommand() {
        super("demo", "Start Homeostat on a throwaway database with a toy service, crash the service, and watch it heal");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("--config").setDefault("config.yml").help("the configuration to start from (rules and plugins directories)");
        subparser.addArgument("--exit").action(Arguments.storeTrue()).help("stop once the issue is resolved (for scripts and CI)");
        subparser.addArgument("--timeout").type(Integer.class).setDefault(90).help("seconds the heal may take before the demo fails");
    }

    @Override
    public void run(Bootstrap<?> bootstrap, Namespace namespace) throws Exception {
        PrintStream out = System.out;
        Path base = Path.of(namespace.getString("config"));
        if (!Files.isRegularFile(base)) {
            throw new IllegalArgumentException("no " + base + " here: run the demo from the Homeostat checkout (scripts/run demo)");
        }
        Path directory = Files.createTempDirectory("homeostat-demo-");
        List<Process> children = new ArrayList<>();
        Thread cleanup = new Thread(() -> stop(children, directory), "homeostat-demo-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            int api = freePort();
            int admin = freePort();
            int toyPort = freePort();
            String key = KeyMaterial.generate();
            Path pidFile = directory.resolve("toy.pid");
            List<String> toyCommand = List.of(java(), "-Xmx32m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    ToyService.class.getName(), Integer.toString(toyPort));
            Path config = writeConfig(base, directory, api, admin, toyCommand, pidFile, toyPort);

            out.println("Homeostat demo: a toy service, crashed and healed, on a throwaway database in " + directory);
            Process toy = new ProcessBuilder(toyCommand).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            children.add(toy);
            Files.writeString(pidFile, Long.toString(toy.pid()));
            ProcessBuilder server = new ProcessBuilder(java(), "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    "io.homeostat.service.HomeostatApplication", "server", config.toString())
                    .redirectErrorStream(true).redirectOutput(directory.resolve("homeostat.log").toFile());
            server.environment().put("HOMEOSTAT_ADMIN_KEY", key);
            children.add(server.start());

            Instant started = Instant.now();
            String apiUrl = "http://127.0.0.1:" + api;
            await("Homeostat to start (its log: " + directory.resolve("homeostat.log") + ")", Duration.ofSeconds(90), () ->
                    get(apiUrl + "/api/v1/issues", key) != null && get("http://127.0.0.1:" + toyPort + "/health", null) != null);
            out.printf("[%5.1fs] Homeostat is up at %s; its collector checks the toy service (pid %d, http://127.0.0.1:%d/health) every second%n",
                    seconds(started), apiUrl, toy.pid(), toyPort);
            Thread.sleep(2_000);     // a few healthy readings first, as in life

            Instant crash = Instant.now();
            toy.destroyForcibly();
            out.printf("[%5.1fs] crashing the toy service: kill -9 %d%n", seconds(started), toy.pid());

            String issueId = watch(out, apiUrl, key, started, crash, Duration.ofSeconds(namespace.getInt("timeout")));
            out.println();
            boolean exit = namespace.getBoolean("exit");
            out.println("Healed in " + String.format("%.1f", seconds(crash)) + " s. " + (exit
                    ? "The demo stops now (--exit); without --exit it keeps running for you to look at, with URLs like these:"
                    : "Look at it (key: " + key + "):"));
            out.println("  " + apiUrl + "/   # the dashboard: sign in with the key above");
            out.println("  curl -s -H 'Authorization: Bearer " + key + "' " + apiUrl + "/api/v1/issues/" + issueId + "   # the issue, its decision with every gate's figures, the attempt");
            out.println("  curl -s -H 'Authorization: Bearer " + key + "' " + apiUrl + "/api/v1/statistics            # what was learned");
            out.println("  curl -s http://127.0.0.1:" + admin + "/prometheus | grep homeostat_remediations_total       # the metrics");
            out.println("  " + directory.resolve("homeostat.log") + "   # the service's log");
            if (!exit) {
                out.println("Homeostat keeps running: crash the toy again (kill -9 $(cat " + pidFile + ")) and watch; Ctrl-C ends the demo.");
                children.get(1).waitFor();
            }
        } finally {
            stop(children, directory);
            try {
                Runtime.getRuntime().removeShutdownHook(cleanup);
            } catch (IllegalStateException e) {
                // already shutting down: the hook runs
            }
        }
    }

    /** Prints each step of the issue as the API shows it, until it resolves; returns its id. */
    private String watch(PrintStream out, String api, String key, Instant started, Instant crash, Duration timeout) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        Set<String> said = new LinkedHashSet<>();
        String issueId = null;
        while (Instant.now().isBefore(deadline)) {
            if (issueId == null) {
                JsonNode issues = get(api + "/api/v1/issues?resource=" + TOY, key);
                if (issues != null && issues.get("items").size() > 0) {
                    issueId = issues.get("items").get(0).get("id").asText();
                }
            }
            if (issueId != null) {
                JsonNode detail = get(api + "/api/v1/issues/" + issueId, key);
                if (detail != null) {
                    JsonNode issue = detail.get("issue");
                    say(out, said, started, "opened", "issue " + issueId + " opened: " + issue.get("type").asText() + " on " + TOY
                            + ", severity " + issue.get("severity").asText() + " (" + issue.path("summary").asText() + ")");
                    for (JsonNode decision : detail.get("decisions")) {
                        int gates = 0;
                        for (JsonNode step : decision.get("explanation")) {
                            gates += step.hasNonNull("gate") ? 1 : 0;
                        }
                        say(out, said, started, "decision " + decision.get("id").asText(), "decision: " + decision.get("outcome").asText() + " "
                                + decision.get("actionId").asText() + " — " + decision.get("reason").asText() + " (" + gates + " gate verdicts, each with its figures)");
                    }
                    for (JsonNode attempt : detail.get("remediations")) {
                        String state = attempt.get("state").asText();
                        if (!state.equals("pending") && !state.equals("running")) {
                            say(out, said, started, "attempt " + attempt.get("id").asText(), "remediation " + state + ": "
                                    + attempt.get("message").asText());
                        }
                    }
                    String state = issue.get("state").asText();
                    if (state.equals("recovering")) {
                        say(out, said, started, "recovering", "verified: the toy service answers again; resolving after a quiet period");
                    }
                    if (state.equals("resolved")) {
                        say(out, said, started, "resolved", "resolved, " + String.format("%.1f", seconds(crash)) + " s after the crash");
                        return issueId;
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("the toy service was not healed within " + timeout.toSeconds() + " s"
                + (issueId == null ? " (no issue opened)" : " (issue " + issueId + ")"));
    }

    private static void say(PrintStream out, Set<String> said, Instant started, String key, String line) {
        if (said.add(key)) {
            out.printf("[%5.1fs] %s%n", seconds(started), line);
        }
    }

    /** The shipped configuration with the demo's ports, directories, toy service, collector and trusted actions. */
    @SuppressWarnings("unchecked")
    private static Path writeConfig(Path base, Path directory, int api, int admin, List<String> toyCommand, Path pidFile, int toyPort)
            throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, Object> config = yaml.readValue(base.toFile(), LinkedHashMap.class);
        Path home = base.toAbsolutePath().getParent();
        config.put("server", Map.of(
                "applicationConnectors", List.of(Map.of("type", "http", "bindHost", "127.0.0.1", "port", api)),
                "adminConnectors", List.of(Map.of("type", "http", "bindHost", "127.0.0.1", "port", admin)),
                "requestLog", Map.of("appenders", List.of())));
        Map<String, Object> database = (Map<String, Object>) config.get("database");
        database.put("driverClass", "org.h2.Driver");
        database.put("url", "jdbc:h2:async:" + directory.resolve("homeostat") + ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0");
        database.put("user", "sa");
        database.put("password", "");
        Map<String, Object> engine = (Map<String, Object>) config.get("engine");
        engine.put("rulesDirectory", home.resolve("rules").toString());
        ((Map<String, Object>) config.get("recording")).put("directory", directory.resolve("signals").toString());
        ((Map<String, Object>) config.get("outbox")).put("directory", directory.resolve("outbox").toString());
        ((Map<String, Object>) config.get("retention")).put("archiveDirectory", directory.resolve("archive").toString());
        Map<String, Object> policy = (Map<String, Object>) config.get("policy");
        ((Map<String, Object>) policy.get("autonomy")).put("startIn", "auto");      // the demo trusts its one action at once
        policy.put("resolveQuietPeriod", "3s");
        Map<String, Object> plugins = (Map<String, Object>) config.get("plugins");
        plugins.put("directory", home.resolve("target/plugins").toString());
        Map<String, Object> settings = (Map<String, Object>) plugins.get("settings");
        settings.put("process", Map.of("resources", Map.of(TOY, Map.of("command", toyCommand, "pidFile", pidFile.toString(),
                "healthUrl", "http://127.0.0.1:" + toyPort + "/health", "startTimeoutSeconds", 30, "settleSeconds", 0.5))));
        config.put("collectors", Map.of("targets", List.of(Map.of("collector", "process.alive", "resource", TOY, "interval", "1s",
                "timeout", "900ms", "settings", Map.of("pidFile", pidFile.toString())))));
        Path file = directory.resolve("demo.yml");
        yaml.writeValue(file.toFile(), config);
        return file;
    }

    private JsonNode get(String url, String key) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5));
            if (key != null) {
                request.header("Authorization", "Bearer " + key);
            }
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                return null;
            }
            return key == null ? json.nullNode() : json.readTree(response.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Duration timeout, Condition condition) throws Exception {
        Instant deadline = Instant.now().plus(timeout);
        while (!condition.holds()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            Thread.sleep(200);
        }
    }

    /** Ends the server, then every toy process (the restarted one is the server's child and would outlive it), then the directory. */
    private static void stop(List<Process> children, Path directory) {
        for (int i = children.size() - 1; i >= 0; i--) {
            Process child = children.get(i);
            child.destroy();
            try {
                if (!child.waitFor(15, java.util.concurrent.TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        try {
            Path pidFile = directory.resolve("toy.pid");
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
            }
            if (Files.exists(directory)) {
                try (Stream<Path> files = Files.walk(directory)) {
                    for (Path path : files.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(path);
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // best effort: a temporary directory
        }
        children.clear();
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static double seconds(Instant since) {
        return Duration.between(since, Instant.now()).toMillis() / 1000.0;
    }

    /** An operator's mistake is one line, not a stack trace. */
    @Override
    public void onError(Cli cli, Namespace namespace, Throwable error) {
        CommandErrors.print(cli, error);
    }
}
