package io.homeostat.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's five-minute tour, run as written: its shell blocks are read from README.md and run
 * by bash in a copy of the project's layout (config.yml, rules, the plugin jars), with only
 * {@code scripts/run} standing for the packaged jar instead of a build. The service must start,
 * accept the signals, restart the demo process (a new live pid in the pid file), take the healthy
 * signal, create a key and refuse the misspelt field, exactly as the README says. It runs on the
 * README's own ports (8080 and 8081): they must be free on the machine running the build.
 */
class ReadmeTourIntegrationTest {
    private static final Path PROJECT = Path.of(System.getProperty("homeostat.project.dir", ".."));
    private static final Pattern BLOCK = Pattern.compile("```bash\\n(.*?)```", Pattern.DOTALL);

    @TempDir
    Path home;

    static List<String> tourBlocks() throws IOException {
        String readme = Files.readString(PROJECT.resolve("README.md"));
        int start = readme.indexOf("## Five-minute tour");
        int end = readme.indexOf("\n## ", start + 1);
        assertThat(start).as("README has its tour").isPositive();
        Matcher blocks = BLOCK.matcher(readme.substring(start, end));
        List<String> found = new ArrayList<>();
        while (blocks.find()) {
            found.add(blocks.group(1));
        }
        return found;
    }

    private Process bash(String script, Path log) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", script).directory(home.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().remove("HOMEOSTAT_ADMIN_KEY");
        builder.environment().put("PATH", home.resolve("bin") + ":" + System.getenv("PATH"));
        return builder.start();
    }

    private static boolean listening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theTourWorksAsWritten() throws Exception {
        assertThat(listening(8080) || listening(8081)).as("the README's ports 8080 and 8081 are free").isFalse();
        Path jar = PROJECT.resolve("service/target/homeostat.jar");
        assertThat(jar).as("the service module packaged its jar").exists();
        Files.copy(PROJECT.resolve("config.yml"), home.resolve("config.yml"));
        try (Stream<Path> rules = Files.walk(PROJECT.resolve("rules"))) {
            for (Path source : rules.toList()) {
                Path target = home.resolve("rules").resolve(PROJECT.resolve("rules").relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
        Files.createDirectories(home.resolve("target"));
        Files.createSymbolicLink(home.resolve("target/plugins"), PROJECT.resolve("target/plugins").toAbsolutePath());
        // scripts/run builds when needed and runs the jar; here the jar is built already.
        Path run = Files.createDirectories(home.resolve("scripts")).resolve("run");
        Files.writeString(run, "#!/usr/bin/env bash\nif [ $# -eq 0 ]; then set -- server config.yml; fi\nexec java -jar " + jar.toAbsolutePath()
                + " \"$@\"\n");
        Files.setPosixFilePermissions(run, PosixFilePermissions.fromString("rwxr-xr-x"));

        List<String> blocks = tourBlocks();
        assertThat(blocks.get(0)).contains("export HOMEOSTAT_ADMIN_KEY").contains("scripts/run");
        String exports = blocks.get(0).lines().filter(line -> line.startsWith("export ")).reduce("", (a, b) -> a + b + "\n");
        Path serviceLog = home.resolve("service.log");
        Process service = bash(exports + "echo \"$HOMEOSTAT_ADMIN_KEY\" > key.txt\n" + blocks.get(0).lines()
                .filter(line -> !line.startsWith("export ")).reduce("", (a, b) -> a + b + "\n"), serviceLog);
        Process tour = null;
        try {
            Instant until = Instant.now().plusSeconds(90);
            while (!listening(8080) && Instant.now().isBefore(until) && service.isAlive()) {
                Thread.sleep(200);
            }
            assertThat(listening(8080)).as("the service started: " + Files.readString(serviceLog)).isTrue();
            String key = Files.readString(home.resolve("key.txt")).strip();

            // Every other block, in order, in one shell (the tour's variables carry over), but the lines that
            // show an id to fill in by hand.
            // "In another terminal, with the same HOMEOSTAT_ADMIN_KEY exported": the value the first terminal chose.
            StringBuilder script = new StringBuilder("export HOMEOSTAT_ADMIN_KEY=\"$(cat key.txt)\"\nset -x\n");
            for (String block : blocks.subList(1, blocks.size())) {
                for (String line : block.lines().toList()) {
                    if (!line.contains("<issue id>") && !line.contains("<decision id>")) {
                        script.append(line).append('\n');
                    }
                }
                script.append("echo '=== block done'\n");
                if (block.contains("value\":0")) {
                    // Between the failing probes and looking at the result, the engine decides and the plugin acts.
                    script.append("sleep 5\n");
                }
            }
            Path tourLog = home.resolve("tour.log");
            String originalPid;
            tour = bash(script.toString(), tourLog);
            assertThat(tour.waitFor(120, TimeUnit.SECONDS)).as("the tour finished: " + Files.readString(tourLog)).isTrue();
            String output = Files.readString(tourLog);
            assertThat(output.split("\\{\"accepted\":1,\"rejected\":\\[]}", -1)).as(output).hasSizeGreaterThanOrEqualTo(4);
            assertThat(output).contains("\"state\":\"verifying\"").contains("process.restart").contains("\"state\":\"succeeded\"");
            assertThat(output).contains("\"secret\":\"hst_").contains("unknown field 'valeu'");
            assertThat(output).contains("{\"accepted\":1,\"duplicates\":0,\"unmapped\":0,\"rejected\":[]}")
                    .contains("{\"accepted\":0,\"duplicates\":1,\"unmapped\":0,\"rejected\":[]}");

            // The demo process was restarted: the pid file names a new, live process.
            originalPid = output.lines().filter(line -> line.startsWith("+ echo ")).findFirst().orElse("");
            long pid = Long.parseLong(Files.readString(home.resolve("data/demo/demo.pid")).strip());
            assertThat(ProcessHandle.of(pid)).as("pid file names a live process").hasValueSatisfying(p -> assertThat(p.isAlive()).isTrue());
            assertThat(originalPid).doesNotContain(Long.toString(pid));

            // What the README says next: the restart was verified by the healthy signal.
            HttpClient http = HttpClient.newHttpClient();
            Instant verified = Instant.now().plusSeconds(20);
            String issues = "";
            while (Instant.now().isBefore(verified)) {
                issues = http.send(HttpRequest.newBuilder(URI.create("http://localhost:8080/api/v1/issues?state=recovering"))
                        .header("Authorization", "Bearer " + key).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
                if (issues.contains("service_down")) {
                    break;
                }
                Thread.sleep(500);
            }
            assertThat(issues).as("the restart was verified").contains("service_down");
        } finally {
            if (tour != null) {
                tour.destroyForcibly();
            }
            service.descendants().forEach(ProcessHandle::destroy);
            service.destroy();
            service.waitFor(30, TimeUnit.SECONDS);
            Path pidFile = home.resolve("data/demo/demo.pid");
            if (Files.exists(pidFile)) {
                ProcessHandle.of(Long.parseLong(Files.readString(pidFile).strip())).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
