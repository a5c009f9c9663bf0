package io.homeostat.bench;

import com.codahale.metrics.Snapshot;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/**
 * (k) retention over a million rows while the engine works: 100,000 resolved issues 40 days old, each
 * with a proposal, a decision and a remediation, and 600,000 health points (1,000,000 rows), archived
 * and deleted by one retention run while signals arrive at a steady rate, every fifth batch carrying a new
 * failing service so that a decision a second is stored through the same database. Reported against
 * baselines of the same load without retention before and after it, in the same run on the same database: the
 * engine's longest batch (every batch of the last minute, sampled every 5 s) and the decision latency.
 * On H2 (embedded) and on PostgreSQL (127.0.0.1:5432, a throwaway database).
 */
final class RetentionBench {
    private static final int ISSUES = 100_000;
    private static final int POINTS = 600_000;
    private static final int BATCH = 1_000;
    private static final int FAILING_EVERY = 5;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private RetentionBench() {
    }

    static void run(Path rules, Path plugins, Path work, double rate) throws Exception {
        System.out.printf("(k) retention of %,d rows (%,d resolved issues with a proposal, decision and remediation each, %,d health points), "
                + "under %,.0f signals/s%n", ISSUES * 4 + POINTS, ISSUES, POINTS, rate);
        String only = System.getProperty("bench.retentionDatabase", "");
        if (!only.equals("postgresql")) {
            h2(rules, plugins, work.resolve("h2"), rate);
        }
        if (!only.equals("h2")) {
            postgres(rules, plugins, work.resolve("pg"), rate);
        }
    }

    private static void h2(Path rules, Path plugins, Path directory, double rate) throws Exception {
        Map<String, Object> database = Map.of("driverClass", "org.h2.Driver",
                "url", "jdbc:h2:async:" + directory.resolve("db").toAbsolutePath() + ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0",
                "user", "sa", "password", "");
        measure("H2", rules, plugins, directory, database, rate);
    }

    private static void postgres(Path rules, Path plugins, Path directory, double rate) throws Exception {
        String name = "homeostat_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        String base = System.getenv().getOrDefault("HOMEOSTAT_TEST_PG_URL", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = System.getenv().getOrDefault("HOMEOSTAT_TEST_PG_USER", "postgres");
        try (Connection admin = DriverManager.getConnection(base, user, ""); Statement statement = admin.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        try {
            String url = base.substring(0, base.lastIndexOf('/') + 1) + name;
            measure("PostgreSQL", rules, plugins, directory, Map.of("driverClass", "org.postgresql.Driver", "url", url, "user", user,
                    "password", ""), rate);
        } finally {
            try (Connection admin = DriverManager.getConnection(base, user, ""); Statement statement = admin.createStatement()) {
                statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void measure(String kind, Path rules, Path plugins, Path directory, Map<String, Object> database, double rate)
            throws Exception {
        Map<String, Object> config = Bench.RunningApp.config(directory, rules, plugins);
        config.put("database", database);
        config.put("retention", Map.of("archiveDirectory", directory.resolve("archive").toAbsolutePath().toString(), "firstRunAfter", "1d"));
        try (Bench.RunningApp app = Bench.RunningApp.start(directory, config)) {
            Map<String, Object> db = (Map<String, Object>) config.get("database");
            long seeded = System.nanoTime();
            try (Connection connection = DriverManager.getConnection((String) db.get("url"), (String) db.get("user"), "")) {
                seed(connection);
            }
            System.out.printf("    %s: %,d rows written in %.0f s%n", kind, ISSUES * 4 + POINTS, (System.nanoTime() - seeded) / 1e9);

            // Warm-up (the JIT, the first issues), then the baseline: the same load for as long, without retention
            // (the batch timer's window is a minute: each phase waits it out first).
            load(app, rate, Duration.ofSeconds(30), null);
            Thread.sleep(61_000);
            Result baseline = load(app, rate, Duration.ofSeconds(60), null);
            Thread.sleep(61_000);
            CompletableFuture<String> retention = CompletableFuture.supplyAsync(() -> task(app));
            Result during = load(app, rate, Duration.ofSeconds(60), retention);
            // The same load again once retention is over: the engine's state grows a little over the run, so that
            // "during" is judged against a baseline before and one after it.
            Thread.sleep(61_000);
            Result after = load(app, rate, Duration.ofSeconds(60), null);
            System.out.printf("    %s without retention: longest engine batch %6.1f ms (p99 %5.1f ms, %,.0f signals a batch), evaluation lag max %6.1f ms, "
                    + "decision latency p99 %6.1f ms%n", kind, baseline.longestBatchMs, baseline.batchP99Ms, baseline.signalsPerBatch,
                    baseline.lagMaxMs, baseline.latencyP99Ms);
            System.out.printf("    %s during retention:  longest engine batch %6.1f ms (p99 %5.1f ms, %,.0f signals a batch), evaluation lag max %6.1f ms, "
                    + "decision latency p99 %6.1f ms%n", kind, during.longestBatchMs, during.batchP99Ms, during.signalsPerBatch, during.lagMaxMs,
                    during.latencyP99Ms);
            System.out.printf("    %s after retention:   longest engine batch %6.1f ms (p99 %5.1f ms, %,.0f signals a batch), evaluation lag max %6.1f ms, "
                    + "decision latency p99 %6.1f ms%n", kind, after.longestBatchMs, after.batchP99Ms, after.signalsPerBatch, after.lagMaxMs,
                    after.latencyP99Ms);
            System.out.printf("    %s ratios during/without: longest batch %.2f, batch p99 %.2f, lag max %.2f, decision latency p99 %.2f%n", kind,
                    during.longestBatchMs / baseline.longestBatchMs, during.batchP99Ms / baseline.batchP99Ms, during.lagMaxMs / baseline.lagMaxMs,
                    during.latencyP99Ms / baseline.latencyP99Ms);
            System.out.printf("    %s ratios during/after:   longest batch %.2f, batch p99 %.2f, lag max %.2f, decision latency p99 %.2f%n", kind,
                    during.longestBatchMs / after.longestBatchMs, during.batchP99Ms / after.batchP99Ms, during.lagMaxMs / after.lagMaxMs,
                    during.latencyP99Ms / after.latencyP99Ms);
            System.out.printf("    %s retention run: %s (%.0f s under load)%n", kind, retention.join().strip(), during.seconds);
        }
    }

    private record Result(double longestBatchMs, double batchP99Ms, double latencyP99Ms, double latencyMaxMs, double seconds,
                          double lagMaxMs, double signalsPerBatch) {
    }

    /**
     * Sends batches of {@link #BATCH} at {@code rate} for {@code length}, or until {@code until} is done if it
     * is given, each with three failed probes for a new service (one decision per batch); samples the
     * engine's batch timer (its last minute) every 5 s and keeps the worst.
     */
    private static Result load(Bench.RunningApp app, double rate, Duration length, CompletableFuture<?> until) throws Exception {
        long intervalNanos = (long) (BATCH / rate * 1e9);
        List<SignalMix.Reading> background = SignalMix.generate(200 * (BATCH - 3), 5_000, 7);
        long start = System.nanoTime();
        long next = start;
        long nextSample = start + 5_000_000_000L;
        double longest = 0;
        double p99 = 0;
        long latencyBefore = app.latency().getCount();
        double lagMax = 0;
        long batchesBefore = app.timer("homeostat.engine.batch").getCount();
        long evaluatedBefore = app.evaluated();
        int b = 0;
        while (System.nanoTime() - start < length.toNanos() || (until != null && !until.isDone())) {
            StringBuilder body = new StringBuilder("{\"signals\":[");
            for (int i = 0; i < BATCH - 3; i++) {
                body.append(background.get((b % 200) * (BATCH - 3) + i).json()).append(',');
            }
            // One new failing service a second (every fifth batch): a decision a second through the same database,
            // few enough that the engine's open issues grow little over the run (a new one every batch grew them by
            // 300 a minute, so that a later phase evaluated many more than an earlier one).
            String service = b % FAILING_EVERY == 0 ? "service:retention-" + UUID.randomUUID().toString().substring(0, 8) : "service:steady";
            for (int i = 0; i < 3; i++) {
                body.append(new SignalMix.Reading(service, "probe.success", b % FAILING_EVERY == 0 ? 0 : 1).json()).append(i < 2 ? "," : "");
            }
            long wait = next - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            }
            app.postUntilAccepted(body.append("]}").toString());
            next += intervalNanos;
            b++;
            if (System.nanoTime() >= nextSample) {
                Snapshot batches = app.timer("homeostat.engine.batch").getSnapshot();
                longest = Math.max(longest, batches.getMax() / 1e6);
                p99 = Math.max(p99, batches.get99thPercentile() / 1e6);
                lagMax = Math.max(lagMax, app.timer("homeostat.engine.evaluation_lag").getSnapshot().getMax() / 1e6);
                if (Boolean.getBoolean("bench.timeline")) {
                    System.out.printf("      t=%3.0f s: longest batch in the last minute %6.1f ms, lag now %s%n", (System.nanoTime() - start) / 1e9,
                            batches.getMax() / 1e6, app.support().getEnvironment().metrics().getGauges().get("homeostat.engine.lag_seconds").getValue());
                }
                nextSample += 5_000_000_000L;
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Thread.sleep(2_000);
        Snapshot batches = app.timer("homeostat.engine.batch").getSnapshot();
        longest = Math.max(longest, batches.getMax() / 1e6);
        p99 = Math.max(p99, batches.get99thPercentile() / 1e6);
        Snapshot latency = app.latency().getSnapshot();
        if (app.latency().getCount() == latencyBefore) {
            throw new IllegalStateException("no decision was recorded under load: the load did not reach the database");
        }
        lagMax = Math.max(lagMax, app.timer("homeostat.engine.evaluation_lag").getSnapshot().getMax() / 1e6);
        double perBatch = (app.evaluated() - evaluatedBefore) / (double) Math.max(1, app.timer("homeostat.engine.batch").getCount() - batchesBefore);
        return new Result(longest, p99, latency.get99thPercentile() / 1000, latency.getMax() / 1000.0, seconds, lagMax, perBatch);
    }

    private static String task(Bench.RunningApp app) {
        try {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.support().getAdminPort() + "/tasks/retention"))
                    .POST(HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofMinutes(30)).build();
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString()).body();
        } catch (Exception e) {
            throw new IllegalStateException("the retention task failed: " + e, e);
        }
    }

    /** A million rows 40 days old, written in batches of 10,000 through plain JDBC. */
    private static void seed(Connection connection) throws Exception {
        connection.setAutoCommit(false);
        Instant old = Instant.now().minus(Duration.ofDays(40));
        Timestamp at = Timestamp.from(old);
        try (PreparedStatement issue = connection.prepareStatement("INSERT INTO issues (id, tenant, fingerprint, resource, type, severity, "
                + "category, state, summary, opened_by, evidence_count, opened_at, last_evidence_at, resolved_at, updated_at, reporters) "
                + "VALUES (?, 'default', ?, ?, 'service_down', 'high', 'application', 'resolved', 'seeded', 'bench', 3, ?, ?, ?, ?, 'bench')");
             PreparedStatement proposal = connection.prepareStatement("INSERT INTO proposals (id, issue_id, action_id, parameters, strategy_order, "
                     + "proposed_by, state, dry_run, decision_id, updated_at) VALUES (?, ?, 'process.restart', '{}', 1, 'bench', 'succeeded', false, ?, ?)");
             PreparedStatement decision = connection.prepareStatement("INSERT INTO decisions (id, issue_id, proposal_id, tenant, resource, issue_type, "
                     + "severity, action_id, parameters, outcome, reason, explanation, decided_at) VALUES (?, ?, ?, 'default', ?, 'service_down', "
                     + "'high', 'process.restart', '{}', 'run', 'all gates passed', '[]', ?)");
             PreparedStatement remediation = connection.prepareStatement("INSERT INTO remediations (id, decision_id, issue_id, tenant, resource, "
                     + "action_id, plugin_id, state, message, details, created_at, started_at, finished_at, duration_ms, attempts) VALUES "
                     + "(?, ?, ?, 'default', ?, 'process.restart', 'process', 'succeeded', 'restarted', '{}', ?, ?, ?, 1200, 1)")) {
            for (int i = 0; i < ISSUES; i++) {
                String issueId = UUID.randomUUID().toString();
                String proposalId = UUID.randomUUID().toString();
                String decisionId = UUID.randomUUID().toString();
                String resource = "service:seeded-" + i;
                issue.setString(1, issueId);
                issue.setString(2, "fp-" + i);
                issue.setString(3, resource);
                for (int p = 4; p <= 7; p++) {
                    issue.setTimestamp(p, at);
                }
                issue.addBatch();
                proposal.setString(1, proposalId);
                proposal.setString(2, issueId);
                proposal.setString(3, decisionId);
                proposal.setTimestamp(4, at);
                proposal.addBatch();
                decision.setString(1, decisionId);
                decision.setString(2, issueId);
                decision.setString(3, proposalId);
                decision.setString(4, resource);
                decision.setTimestamp(5, at);
                decision.addBatch();
                remediation.setString(1, UUID.randomUUID().toString());
                remediation.setString(2, decisionId);
                remediation.setString(3, issueId);
                remediation.setString(4, resource);
                remediation.setTimestamp(5, at);
                remediation.setTimestamp(6, at);
                remediation.setTimestamp(7, at);
                remediation.addBatch();
                if (i % 2_500 == 2_499) {
                    issue.executeBatch();
                    proposal.executeBatch();
                    decision.executeBatch();
                    remediation.executeBatch();
                    connection.commit();
                }
            }
        }
        try (PreparedStatement point = connection.prepareStatement("INSERT INTO health_history (tenant, category, at, score) VALUES (?, ?, ?, ?)")) {
            String[] categories = {"overall", "compute", "network", "storage", "database", "application"};
            for (int i = 0; i < POINTS; i++) {
                point.setString(1, "tenant-" + (i / 6 % 100));
                point.setString(2, categories[i % 6]);
                point.setTimestamp(3, Timestamp.from(old.minusSeconds(i / 600)));
                point.setDouble(4, 90 + i % 10);
                point.addBatch();
                if (i % 10_000 == 9_999) {
                    point.executeBatch();
                    connection.commit();
                }
            }
        }
        connection.commit();
    }
}
