package io.homeostat.bench;

import com.sun.net.httpserver.HttpServer;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * (i) What collectors cost: the service's CPU time over a window with {@code targets} HTTP probes
 * (probe.http against a local server answering "ok") collected every second, minus the same
 * service idle over a window of the same length, measured in one run; scaled to the default
 * 30-second interval as a share of one core.
 */
final class CollectorBench {
    private CollectorBench() {
    }

    static void run(Path rules, Path plugins, Path work, int targets) throws Exception {
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", exchange -> {
            byte[] body = "ok".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        // The server's threads are not daemons: shut down below, or the bench's JVM never exits.
        java.util.concurrent.ExecutorService serving = java.util.concurrent.Executors.newFixedThreadPool(2);
        web.setExecutor(serving);
        web.start();
        try {
            double idle = cpuSeconds(rules, plugins, work.resolve("idle"), List.of(), 30);
            List<Object> probes = new ArrayList<>();
            for (int i = 0; i < targets; i++) {
                probes.add(Map.of("collector", "probe.http", "resource", "service:probe" + i, "interval", "1s", "timeout", "900ms",
                        "jitter", "1s", "settings", Map.of("url", "http://127.0.0.1:" + web.getAddress().getPort() + "/")));
            }
            double busy = cpuSeconds(rules, plugins, work.resolve("probing"), probes, 30);
            double perCollection = Math.max(0, busy - idle) / (targets * 30.0);
            double shareAt30s = perCollection * targets / 30.0;
            System.out.printf("    service CPU over 30 s: idle %.2f s, with %d probes a second %.2f s: %.3f ms a collection%n", idle, targets, busy,
                    perCollection * 1000);
            System.out.printf("(i) %d targets at the default 30 s interval: %.3f%% of one core%n", targets, shareAt30s * 100);
        } finally {
            web.stop(0);
            serving.shutdownNow();
        }
    }

    /** The process's CPU seconds over {@code seconds} of a running service with these collector targets (after a 10 s warm-up). */
    private static double cpuSeconds(Path rules, Path plugins, Path home, List<Object> targets, int seconds) throws Exception {
        Map<String, Object> config = Bench.RunningApp.config(home, rules, plugins);
        config.put("collectors", Map.of("threads", 4, "targets", targets));
        try (Bench.RunningApp app = Bench.RunningApp.start(home, config)) {
            Thread.sleep(10_000);
            com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            long before = os.getProcessCpuTime();
            Thread.sleep(seconds * 1000L);
            return (os.getProcessCpuTime() - before) / 1e9;
        }
    }
}
