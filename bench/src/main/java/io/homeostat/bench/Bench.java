package io.homeostat.bench;

import com.codahale.metrics.Histogram;
import com.codahale.metrics.Meter;
import com.codahale.metrics.Snapshot;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.testing.DropwizardTestSupport;
import io.homeostat.service.HomeostatApplication;
import io.homeostat.service.HomeostatConfiguration;
import io.homeostat.service.engine.EngineSession;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.facts.AvailableAction;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Signal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * scripts/bench: (a) in-process throughput of the shipped rules (insert + fire, no HTTP, no
 * database), (b) end-to-end throughput through POST /api/v1/signals on loopback in batches of
 * 1,000 with the same signal mix and the embedded H2 database, (c) b/a from the medians of three
 * interleaved rounds, (d) accepted → decision-persisted latency at half of (b)'s rate, and (e)
 * rule reloads: compile time of the shipped rules and of a 200-rule base, the engine's pause to
 * carry a loaded session over, and signals lost while rules are reloaded under load (must be 0),
 * and (f) a backtest of 24 hours of recorded history at 100 signals/s.
 * Every figure comes from this one run.
 */
public final class Bench {
    private static final int BATCH = 1_000;
    private static final int ROUNDS = 3;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        Path rules = Path.of(args.length > 0 ? args[0] : "rules");
        Path plugins = Path.of(args.length > 1 ? args[1] : "target/plugins");
        if ("latency".equals(System.getProperty("bench.only"))) {
            // (d) with signal recording on and off, alternating, at one rate: what recording costs.
            Path work = Files.createTempDirectory("homeostat-bench");
            double rate = Integer.getInteger("bench.rate", 32_000);
            for (int round = 0; round < 2; round++) {
                for (boolean recording : new boolean[] {true, false}) {
                    System.out.print("    recording " + (recording ? "on:  " : "off: "));
                    try (RunningApp app = RunningApp.start(work.resolve("latency-" + round + "-" + recording), rules, plugins, recording)) {
                        latency(app, Integer.getInteger("bench.resources", 5_000), rate);
                    }
                }
            }
            return;
        }
        if ("retention".equals(System.getProperty("bench.only"))) {
            RetentionBench.run(rules, plugins, Files.createTempDirectory("homeostat-bench"), Integer.getInteger("bench.retentionRate", 5_000));
            return;
        }
        if ("memory".equals(System.getProperty("bench.only"))) {
            MemoryBench.run(rules);
            return;
        }
        if ("collectors".equals(System.getProperty("bench.only"))) {
            CollectorBench.run(rules, plugins, Files.createTempDirectory("homeostat-bench"), 200);
            return;
        }
        if ("watchdog".equals(System.getProperty("bench.only"))) {
            WatchdogBench.run(rules, plugins, Files.createTempDirectory("homeostat-bench"), Integer.getInteger("bench.kills", 9));
            return;
        }
        if ("baselines".equals(System.getProperty("bench.only"))) {
            BaselineBench.run(Integer.getInteger("bench.series", 200), 42);
            return;
        }
        if ("rules".equals(System.getProperty("bench.only"))) {
            RuleCostBench.run(Path.of(System.getProperty("bench.baselineRules")), rules, Integer.getInteger("bench.signals", 300_000),
                    Integer.getInteger("bench.resources", 5_000));
            return;
        }
        if ("kafka".equals(System.getProperty("bench.only"))) {
            KafkaBench.run(rules, plugins, Files.createTempDirectory("homeostat-bench"), Integer.getInteger("bench.kafkaSignals", 200_000),
                    Integer.getInteger("bench.resources", 5_000));
            return;
        }
        if ("backtest".equals(System.getProperty("bench.only"))) {
            BacktestBench.run(rules, plugins, Files.createTempDirectory("homeostat-bench"));
            return;
        }
        int signals = Integer.getInteger("bench.signals", 300_000);
        int resources = Integer.getInteger("bench.resources", 5_000);
        List<SignalMix.Reading> warmup = SignalMix.generate(100_000, resources, 1);
        RuleBase ruleBase = new RuleBaseCompiler().compile(rules);
        System.out.printf("rules %s (%d rules), %d rounds of %,d signals over %,d resources, batches of %,d, %d cores%n",
                ruleBase.shortVersion(), ruleBase.ruleCount(), ROUNDS, signals, resources, BATCH,
                Runtime.getRuntime().availableProcessors());

        // (a) and (b) alternate, round by round, so that a slow spell of this shared machine hits both.
        Path work = Files.createTempDirectory("homeostat-bench");
        double[] a = new double[ROUNDS];
        double[] b = new double[ROUNDS];
        EngineSession loaded;
        try (EngineSession session = baselineSession(ruleBase);
             RunningApp app = RunningApp.start(work.resolve("throughput"), rules, plugins)) {
            feed(session, warmup);
            endToEnd(app, SignalMix.batches(warmup, BATCH));
            for (int round = 0; round < ROUNDS; round++) {
                List<SignalMix.Reading> measured = SignalMix.generate(signals, resources, 10 + round);
                a[round] = inProcess(session, measured);
                b[round] = endToEnd(app, SignalMix.batches(measured, BATCH));
                System.out.printf("    round %d: a %,10.0f  b %,10.0f  b/a %.2f%n", round + 1, a[round], b[round], b[round] / a[round]);
            }
            loaded = session.successor(ruleBase); // keep the loaded facts for (e); the try closes the original
        }
        double medianA = median(a);
        double medianB = median(b);
        System.out.printf("(a) in-process, insert + fire:        %,10.0f signals/s (median)%n", medianA);
        System.out.printf("(b) end-to-end, HTTP + engine + H2:   %,10.0f signals/s (median)%n", medianB);
        System.out.printf("(c) ratio b/a:                        %10.2f%n", medianB / medianA);

        try (RunningApp app = RunningApp.start(work.resolve("latency"), rules, plugins)) {
            latency(app, resources, medianB / 2);
        }
        try (EngineSession session = loaded) {
            ReloadBench.run(rules, session, work.resolve("reload"), plugins, medianB / 2);
        }
        BacktestBench.run(rules, plugins, work.resolve("backtest"));
        WatchdogBench.run(rules, plugins, work.resolve("watchdog"), Integer.getInteger("bench.kills", 9));
        CollectorBench.run(rules, plugins, work.resolve("collectors"), 200);
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }

    /** The in-process baseline: the production session type, with the same settings facts as the service. */
    static EngineSession baselineSession(RuleBase ruleBase) {
        EngineSession session = EngineSession.realTime(ruleBase);
        session.setPolicy(PolicySettings.builder().autonomyStartIn(io.homeostat.service.engine.facts.AutonomyMode.AUTO).build());
        session.setAvailableActions(List.of(
                new AvailableAction("process.restart", "process", "MEDIUM", 1, false, Set.of(), 0.7),
                new AvailableAction("http.call", "http", "MEDIUM", 1, false, Set.of(), 0.6)));
        return session;
    }

    /**
     * Measures on a session that already holds the earlier rounds' signals, as the service's session
     * does when (b) is measured (signals live 15 minutes).
     */
    static double inProcess(EngineSession session, List<SignalMix.Reading> measured) {
        long start = System.nanoTime();
        feed(session, measured);
        return measured.size() / ((System.nanoTime() - start) / 1e9);
    }

    static void feed(EngineSession session, List<SignalMix.Reading> readings) {
        for (int from = 0; from < readings.size(); from += BATCH) {
            long now = System.currentTimeMillis();
            List<Signal> batch = new ArrayList<>(BATCH);
            for (int i = from; i < Math.min(from + BATCH, readings.size()); i++) {
                batch.add(readings.get(i).signal(now));
            }
            session.insertAll(batch);
            session.fire();
        }
    }

    /** Posts every batch from two sender threads and waits until the engine has evaluated them all. */
    static double endToEnd(RunningApp app, List<String> bodies) throws Exception {
        long target = app.evaluated() + (long) bodies.size() * BATCH;
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        Thread[] senders = new Thread[2];
        for (int t = 0; t < senders.length; t++) {
            senders[t] = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < bodies.size(); i = next.getAndIncrement()) {
                    app.postUntilAccepted(bodies.get(i));
                }
            });
            senders[t].start();
        }
        for (Thread sender : senders) {
            sender.join();
        }
        while (app.evaluated() < target) {
            Thread.sleep(5);
        }
        return bodies.size() * (double) BATCH / ((System.nanoTime() - start) / 1e9);
    }

    /**
     * Sends batches at {@code rate} for about 15 s; each batch carries three failed probes for a
     * fresh resource, so that each batch yields one decision whose latency the service records.
     */
    private static void latency(RunningApp app, int resources, double rate) throws Exception {
        long intervalNanos = (long) (BATCH / rate * 1e9);
        int batches = (int) Math.max(20, 15e9 / intervalNanos);
        List<SignalMix.Reading> background = SignalMix.generate(batches * (BATCH - 3), resources, 3);
        long next = System.nanoTime();
        for (int b = 0; b < batches; b++) {
            StringBuilder body = new StringBuilder("{\"signals\":[");
            for (int i = 0; i < BATCH - 3; i++) {
                body.append(background.get(b * (BATCH - 3) + i).json()).append(',');
            }
            for (int i = 0; i < 3; i++) {
                body.append(new SignalMix.Reading("service:latency-" + b, "probe.success", 0).json()).append(i < 2 ? "," : "");
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            app.postUntilAccepted(body.append("]}").toString());
            next += intervalNanos;
        }
        Thread.sleep(2_000);
        Snapshot snapshot = app.latency().getSnapshot();
        System.out.printf("(d) accepted -> decision persisted at %,.0f signals/s: p50 %.1f ms, p99 %.1f ms (%d decisions)%n",
                rate, snapshot.getMedian() / 1000, snapshot.get99thPercentile() / 1000, app.latency().getCount());
    }

    /** The real application, in this JVM, on loopback ports, with an H2 file database in a temp directory. */
    record RunningApp(DropwizardTestSupport<HomeostatConfiguration> support, String key) implements AutoCloseable {
        static RunningApp start(Path directory, Path rules, Path plugins) throws Exception {
            return start(directory, rules, plugins, true);
        }

        static RunningApp start(Path directory, Path rules, Path plugins, boolean recording) throws Exception {
            Map<String, Object> config = config(directory, rules, plugins);
            config.put("recording", Map.of("enabled", recording, "directory", directory.resolve("signals").toAbsolutePath().toString()));
            return start(directory, config);
        }

        /**
         * The configuration every benchmark starts from: loopback ports, an H2 file database, an outbox
         * and a recording in {@code directory}, the given rules and plugins, a fresh admin key; mutable,
         * so that a benchmark adds or replaces sections.
         */
        static Map<String, Object> config(Path directory, Path rules, Path plugins) {
            Map<String, Object> config = new java.util.LinkedHashMap<>(Map.of(
                    "auth", Map.of("adminKey", io.homeostat.service.auth.KeyMaterial.generate()),
                    "server", Map.of(
                            "applicationConnectors", List.of(Map.of("type", "http", "port", 0, "bindHost", "127.0.0.1")),
                            "adminConnectors", List.of(Map.of("type", "http", "port", 0, "bindHost", "127.0.0.1")),
                            "requestLog", Map.of("appenders", List.of())),
                    "database", Map.of("driverClass", "org.h2.Driver",
                            "url", "jdbc:h2:" + directory.resolve("db").toAbsolutePath() + ";MODE=PostgreSQL;WRITE_DELAY=0",
                            "user", "sa", "password", ""),
                    "engine", Map.of("rulesDirectory", rules.toAbsolutePath().toString(), "reloadDebounce", "100ms"),
                    "plugins", Map.of("directory", plugins.toAbsolutePath().toString(),
                            "settings", Map.of("notify", Map.of("url", "http://127.0.0.1:9/escalations"))),
                    "recording", Map.of("directory", directory.resolve("signals").toAbsolutePath().toString()),
                    "outbox", Map.of("directory", directory.resolve("outbox").toAbsolutePath().toString()),
                    "logging", Map.of("level", "WARN")));
            // The benches measure what a trusted pair costs and how fast it acts: earned autonomy starts it in auto.
            config.put("policy", new java.util.LinkedHashMap<>(Map.of("autonomy", Map.of("startIn", "auto"))));
            return config;
        }

        /** The application on {@code config}, written to {@code directory}/config.yml. */
        @SuppressWarnings("unchecked")
        static RunningApp start(Path directory, Map<String, Object> config) throws Exception {
            Files.createDirectories(directory);
            String key = (String) ((Map<String, Object>) config.get("auth")).get("adminKey");
            Path file = directory.resolve("config.yml");
            new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), config);
            DropwizardTestSupport<HomeostatConfiguration> support = new DropwizardTestSupport<>(HomeostatApplication.class, file.toString());
            support.before();
            return new RunningApp(support, key);
        }

        long evaluated() {
            Meter meter = support.getEnvironment().metrics().meter("homeostat.signals.evaluated");
            return meter.getCount();
        }

        long gauge(String name) {
            com.codahale.metrics.Gauge<?> gauge = support.getEnvironment().metrics().getGauges().get(name);
            return gauge == null ? 0 : ((Number) gauge.getValue()).longValue();
        }

        long counter(String name) {
            return support.getEnvironment().metrics().counter(name).getCount();
        }

        com.codahale.metrics.Timer timer(String name) {
            return support.getEnvironment().metrics().timer(name);
        }

        Histogram latency() {
            return support.getEnvironment().metrics().histogram("homeostat.decisions.latency_micros");
        }

        void postUntilAccepted(String body) {
            URI uri = URI.create("http://127.0.0.1:" + support.getLocalPort() + "/api/v1/signals");
            HttpRequest request = HttpRequest.newBuilder(uri).header("Content-Type", "application/json").header("Authorization", "Bearer " + key)
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                while (true) {
                    HttpResponse<Void> response = HTTP.send(request, HttpResponse.BodyHandlers.discarding());
                    if (response.statusCode() == 202) {
                        return;
                    }
                    if (response.statusCode() != 429) {
                        throw new IllegalStateException("intake answered " + response.statusCode());
                    }
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        public void close() {
            support.after();
        }
    }
}
