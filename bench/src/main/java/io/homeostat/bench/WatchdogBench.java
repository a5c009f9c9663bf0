package io.homeostat.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * (h) Faster than a watchdog: {@code kill -9} of a small HTTP server ({@code python3 -m http.server}),
 * timed until it answers again, N times under Homeostat (its own {@code process.alive} collector
 * every 100 ms, the shipped rules, the process plugin restarting it) and N times under Monit at its
 * fastest ({@code set daemon 1}), in the same run, when Monit is installed. Monit runs under
 * {@code tini -s} when tini is installed, so that the killed process is reaped at once as under
 * systemd (without a reaping init, the zombie keeps Monit from seeing the death for a cycle or
 * two); the report says which.
 */
final class WatchdogBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(200)).build();

    private WatchdogBench() {
    }

    static void run(Path rules, Path plugins, Path work, int kills) throws Exception {
        Files.createDirectories(work);
        String python = Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        double[] homeostat = underHomeostat(rules, plugins, work.resolve("homeostat"), python, kills);
        report("Homeostat (process.alive every 100 ms)", homeostat);
        if (!onPath("monit")) {
            System.out.println("    Monit: not installed (Debian package monit): no baseline in this run");
            return;
        }
        boolean tini = onPath("tini");
        double[] monit = underMonit(work.resolve("monit"), python, kills, tini);
        report("Monit (set daemon 1" + (tini ? ", reaped at once under tini -s)" : ", no reaping init: install tini for the fair baseline)"),
                monit);
        System.out.printf("(h) kill -9 -> answering again, Homeostat / Monit: median %.2f, p90 %.2f%n", Bench.median(homeostat) / Bench.median(monit),
                p90(homeostat) / p90(monit));
    }

    private static double[] underHomeostat(Path rules, Path plugins, Path home, String python, int kills) throws Exception {
        Files.createDirectories(home);
        int port = freePort();
        Path pidFile = home.resolve("toy.pid");
        String health = "http://127.0.0.1:" + port + "/";
        Map<String, Object> target = Map.of("collector", "process.alive", "resource", "service:toy", "interval", "100ms", "timeout", "90ms",
                "jitter", "0ms", "settings", Map.of("pidFile", pidFile.toString()));
        Map<String, Object> config = Bench.RunningApp.config(home, rules, plugins);
        config.put("plugins", Map.of("directory", plugins.toAbsolutePath().toString(), "settings", Map.of(
                "notify", Map.of("url", "http://127.0.0.1:9/escalations"),
                "process", Map.of("resources", Map.of("service:toy", Map.of(
                        "command", List.of(python, "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1"),
                        "pidFile", pidFile.toString(), "logFile", home.resolve("toy.log").toString(),
                        "healthUrl", health, "settleSeconds", 0.2, "startTimeoutSeconds", 10))))));
        // A bench kills it again and again: no give-up, no backoff, no rate limit in the way; issues resolve in 1 s.
        config.put("policy", Map.of("probationReturns", 1000, "returnBackoff", "0s", "resolveQuietPeriod", "1s",
                "rateLimits", Map.of("perResourcePerHour", 10_000, "perTenantPerMinute", 10_000, "globalPerHour", 10_000),
                "autonomy", Map.of("startIn", "auto", "demoteAfterFailures", 1000)));
        config.put("collectors", Map.of("targets", List.of(target)));
        Process first = new ProcessBuilder(python, "-m", "http.server", Integer.toString(port), "--bind", "127.0.0.1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Files.writeString(pidFile, Long.toString(first.pid()));
        try (Bench.RunningApp app = Bench.RunningApp.start(home, config)) {
            return killLoop(pidFile, health, kills, Duration.ofSeconds(3));
        } finally {
            kill(pidFile);
        }
    }

    private static double[] underMonit(Path home, String python, int kills, boolean tini) throws Exception {
        Files.createDirectories(home);
        int port = freePort();
        Path pidFile = home.resolve("toy.pid");
        Path start = home.resolve("start-toy.sh");
        Files.writeString(start, "#!/bin/sh\n" + python + " -m http.server " + port + " --bind 127.0.0.1 >/dev/null 2>&1 &\necho $! > "
                + pidFile + "\n");
        Files.setPosixFilePermissions(start, PosixFilePermissions.fromString("rwx------"));
        Path rc = home.resolve("monitrc");
        Files.writeString(rc, "set daemon 1\nset logfile " + home.resolve("monit.log") + "\nset pidfile " + home.resolve("monit.pid")
                + "\nset idfile " + home.resolve("monit.id") + "\nset statefile " + home.resolve("monit.state") + "\n"
                + "check process toy with pidfile " + pidFile + "\n  start program = \"" + start + "\"\n  stop program = \"/bin/true\"\n");
        Files.setPosixFilePermissions(rc, PosixFilePermissions.fromString("rw-------"));
        List<String> command = new ArrayList<>(tini ? List.of("tini", "-s", "--") : List.of());
        command.addAll(List.of("monit", "-I", "-c", rc.toString()));
        Process monit = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(home.resolve("monit.out").toFile()).start();
        String health = "http://127.0.0.1:" + port + "/";
        try {
            return killLoop(pidFile, health, kills, Duration.ofSeconds(3));
        } finally {
            monit.descendants().forEach(ProcessHandle::destroyForcibly);
            monit.destroyForcibly();
            kill(pidFile);
        }
    }

    /**
     * Waits for the toy to answer, then one warm-up kill (not counted: the first restart of a JVM's code
     * paths is slower) and N times: kill -9 it, time until it answers again, let things settle. The pause
     * between kills is random (settle + up to 1 s): a fixed one would lock the kills to one phase of
     * Monit's 1 s cycle (or of the collector's 100 ms one) and flatter or wrong it.
     */
    private static double[] killLoop(Path pidFile, String health, int kills, Duration settle) throws Exception {
        awaitAnswer(health, Duration.ofSeconds(60));
        java.util.Random random = new java.util.Random(42);
        Thread.sleep(settle.toMillis() + random.nextInt(1_000));
        double[] seconds = new double[kills];
        for (int i = -1; i < kills; i++) {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle victim = ProcessHandle.of(pid).orElseThrow(() -> new IllegalStateException("no process " + pid));
            long killed = System.nanoTime();
            victim.destroyForcibly();
            // It must go down before it counts as back: the old process may answer a last request.
            while (answers(health) && System.nanoTime() - killed < 2_000_000_000L) {
                Thread.sleep(2);
            }
            awaitAnswer(health, Duration.ofSeconds(60));
            double took = (System.nanoTime() - killed) / 1e9;
            if (i < 0) {
                System.out.printf("      warm-up kill: %.3f s (not counted)%n", took);
            } else {
                seconds[i] = took;
                System.out.printf("      kill %d: %.3f s%n", i + 1, took);
            }
            Thread.sleep(settle.toMillis() + random.nextInt(1_000));
        }
        return seconds;
    }

    private static void awaitAnswer(String url, Duration limit) throws Exception {
        long until = System.nanoTime() + limit.toNanos();
        while (!answers(url)) {
            if (System.nanoTime() > until) {
                throw new IllegalStateException(url + " did not answer within " + limit);
            }
            Thread.sleep(5);
        }
    }

    private static boolean answers(String url) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(300)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void kill(Path pidFile) {
        try {
            ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).ifPresent(ProcessHandle::destroyForcibly);
        } catch (IOException | NumberFormatException e) {
            // Nothing left to stop.
        }
    }

    private static void report(String who, double[] seconds) {
        System.out.printf("    %-70s median %.3f s, p90 %.3f s over %d kills%n", who + ":", Bench.median(seconds), p90(seconds), seconds.length);
    }

    static double p90(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)];
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
