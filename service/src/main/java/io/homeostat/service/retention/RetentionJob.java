package io.homeostat.service.retention;

import io.dropwizard.lifecycle.Managed;
import io.homeostat.service.model.AuditRecord;
import io.homeostat.service.store.RetentionStore;
import io.homeostat.service.store.Store;
import io.homeostat.service.telemetry.Telemetry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the database to its retention: every run archives what is older than its table's age and then
 * deletes it, a bounded batch at a time (each batch written to the archive and on disk before its rows
 * go, each delete its own short transaction, then a rest as long as the batch took, so that the engine,
 * the outbox writer and the API keep at least half of a core and go between batches). Before each read
 * and each delete it makes way for a busy engine or outbox ({@link Foreground}). Resolved issues go with
 * everything recorded about them, as one line each; decisions and remediations of resolved issues may go
 * earlier when their own age is shorter; unresolved issues never go. Audit rows are archived and deleted from the oldest on, the database's chain then starting from the
 * last archived row, so that the archive and the database verify as one chain ({@code audit verify}).
 *
 * <p>A run that cannot write the archive (a full disk, a read-only mount) or reach the database stops at
 * once, deletes nothing it has not archived, is counted ({@code homeostat_retention_failures_total}) and
 * turns the {@code retention} health check unhealthy until a run succeeds.
 */
public final class RetentionJob implements Managed {
    private static final Logger LOG = LoggerFactory.getLogger(RetentionJob.class);

    /** The age of each table's rows past which they are archived and deleted. */
    public record Ages(Duration issues, Duration decisions, Duration remediations, Duration healthHistory, Duration audit) {
    }

    /** How the job runs. */
    public record Settings(Ages ages, Duration interval, Duration firstRunAfter, int batchSize, Duration pause) {
    }

    /**
     * What one run did: rows archived and deleted per table, how long its longest delete held the database, and
     * how long it waited for the engine and the outbox ({@link Foreground}).
     */
    public record Report(Map<String, Long> archived, Duration longestDelete, Duration took, Duration yielded, String failure) {
        public boolean failed() {
            return failure != null;
        }
    }

    /** A foreground busy this long is making way for: longer than a usual engine batch, far shorter than a stall. */
    static final Duration YIELD_AFTER = Duration.ofMillis(100);
    /**
     * The longest one step waits for the foreground: an engine that is busy all the time is overloaded, and retention
     * must still go on (at one step per wait) or the database would grow without bound.
     */
    static final Duration MOST_YIELD = Duration.ofSeconds(5);

    private final Store store;
    private final Archive archive;
    private final Foreground foreground;
    private final Duration mostYield;
    private final Settings settings;
    private final Telemetry telemetry;
    private final Clock clock;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "homeostat-retention");
        thread.setDaemon(true);
        return thread;
    });
    private volatile Report last;
    private volatile Instant lastSuccess;
    /** On the job's thread, for the run under way: its longest delete, and the time it spent making way. */
    private long longestDeleteNanos;
    private long yieldedNanos;
    private final java.util.function.BooleanSupplier leads;

    /** @param leads true while this replica leads (docs/SCALE-OUT.md): only the leader's timer runs retention */
    public RetentionJob(Store store, Archive archive, Foreground foreground, Settings settings, Telemetry telemetry, Clock clock,
                        java.util.function.BooleanSupplier leads) {
        this(store, archive, foreground, MOST_YIELD, settings, telemetry, clock, leads);
    }

    RetentionJob(Store store, Archive archive, Foreground foreground, Duration mostYield, Settings settings, Telemetry telemetry, Clock clock,
                 java.util.function.BooleanSupplier leads) {
        this.leads = leads;
        this.mostYield = mostYield;
        this.store = store;
        this.archive = archive;
        this.foreground = foreground;
        this.settings = settings;
        this.telemetry = telemetry;
        this.clock = clock;
    }

    @Override
    public void start() {
        timer.scheduleWithFixedDelay(this::runQuietly, settings.firstRunAfter().toMillis(), settings.interval().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() throws InterruptedException {
        timer.shutdownNow();
        timer.awaitTermination(10, TimeUnit.SECONDS);
    }

    /** Runs now on the job's own thread (an operator's task), after any run under way, and returns its report. */
    public Report runNow() throws Exception {
        return timer.submit(this::run).get();
    }

    /** The last run's report (null before the first), and when a run last succeeded. */
    public Report last() {
        return last;
    }

    public Instant lastSuccess() {
        return lastSuccess;
    }

    public Path archiveDirectory() {
        return archive.directory();
    }

    private void runQuietly() {
        if (!leads.getAsBoolean()) {
            return; // the leader's job: two replicas would archive the same rows twice
        }
        try {
            run();
        } catch (RuntimeException e) {
            LOG.error("retention run failed unexpectedly", e);
        }
    }

    /** One run over every table. */
    Report run() {
        long started = System.nanoTime();
        Instant now = clock.instant();
        Map<String, Long> archived = new LinkedHashMap<>();
        longestDeleteNanos = 0;
        yieldedNanos = 0;
        String failure = null;
        try {
            Ages ages = settings.ages();
            archived.put("issues", issues(now.minus(ages.issues())));
            archived.put("remediations", byId("remediations", now.minus(ages.remediations())));
            archived.put("decisions", byId("decisions", now.minus(ages.decisions())));
            archived.put("health_history", healthHistory(now.minus(ages.healthHistory())));
            archived.put("audit", audit(now.minus(ages.audit())));
        } catch (IOException e) {
            failure = "the archive " + archive.directory() + " could not be written (" + e + ")";
            telemetry.retentionFailed();
            LOG.warn("retention stopped: {} (nothing that was not archived was deleted; the next run is in {})", failure, settings.interval());
        } catch (RuntimeException e) {
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            telemetry.retentionFailed();
            LOG.warn("retention stopped: {} (nothing that was not archived was deleted; the next run is in {})", failure, settings.interval());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = "interrupted (the service is stopping)";
        }
        Report report = new Report(archived, Duration.ofNanos(longestDeleteNanos), Duration.ofNanos(System.nanoTime() - started), Duration.ofNanos(yieldedNanos),
                failure);
        last = report;
        if (failure == null) {
            lastSuccess = now;
            long total = archived.values().stream().mapToLong(Long::longValue).sum();
            if (total > 0) {
                LOG.info("retention archived and deleted {} in {} ms (longest delete {} ms, {} ms making way for the engine) into {}", archived,
                        report.took().toMillis(), report.longestDelete().toMillis(), report.yielded().toMillis(), archive.directory());
            }
        }
        return report;
    }

    /** One batch as read: its rows as archived, and the delete that takes exactly them. */
    private record Batch(List<?> rows, IntSupplier delete) {
    }

    private long issues(Instant before) throws IOException, InterruptedException {
        return drain("issues", issueBatch(), () -> {
            List<RetentionStore.IssueBundle> bundles = store.retention().resolvedIssues(before, issueBatch());
            return new Batch(bundles.stream().map(RetentionStore.IssueBundle::bundle).toList(),
                    () -> store.retention().deleteIssues(bundles.stream().map(RetentionStore.IssueBundle::issueId).toList()));
        });
    }

    private long byId(String table, Instant before) throws IOException, InterruptedException {
        return drain(table, settings.batchSize(), () -> {
            List<Map<String, Object>> rows = table.equals("remediations") ? store.retention().remediations(before, settings.batchSize())
                    : store.retention().decisions(before, settings.batchSize());
            return new Batch(rows, () -> store.retention().deleteByIds(table, rows.stream().map(row -> (String) row.get("id")).toList()));
        });
    }

    private long healthHistory(Instant before) throws IOException, InterruptedException {
        // Each batch starts after the last one's end (the index scan skips the rows just deleted).
        Instant[] after = {null};
        return drain("health_history", settings.batchSize(), () -> {
            Instant from = after[0];
            RetentionStore.Batch batch = store.retention().healthHistory(from, before, settings.batchSize());
            after[0] = batch.through();
            return new Batch(batch.rows(), () -> store.retention().deleteHealthHistory(from, batch.through()));
        });
    }

    private long audit(Instant before) throws IOException, InterruptedException {
        return drain("audit", settings.batchSize(), () -> {
            List<AuditRecord> rows = store.audit().oldest(before, settings.batchSize());
            return new Batch(rows, () -> store.audit().deleteArchived(rows.get(0), rows.get(rows.size() - 1)));
        });
    }

    /**
     * Batch after batch of one table until a batch comes back short: make way, read, write the archive, make way,
     * delete, then rest as long as the batch worked (its waits for the foreground are not retention's load, and
     * a rest at least {@code pause}), so that retention takes at most half a core from the engine.
     */
    private long drain(String table, int size, Supplier<Batch> next) throws IOException, InterruptedException {
        long total = 0;
        while (true) {
            makeWay();
            long began = System.nanoTime();
            long yieldedBefore = yieldedNanos;
            Batch batch = next.get();
            if (batch.rows().isEmpty()) {
                return total;
            }
            archive.write(table, batch.rows());
            makeWay();
            long start = System.nanoTime();
            total += batch.delete().getAsInt();
            long now = System.nanoTime();
            longestDeleteNanos = Math.max(longestDeleteNanos, now - start);
            telemetry.archived(table, batch.rows().size());
            long worked = now - began - (yieldedNanos - yieldedBefore);
            Thread.sleep(Math.max(settings.pause().toMillis(), Math.max(0, worked) / 1_000_000));
            if (batch.rows().size() < size) {
                return total;
            }
        }
    }

    /**
     * Resolved issues go a tenth of {@code batchSize} at a time: each is read with its rows from seven tables and
     * their text (explanations, details), about ten rows' work, and a batch is what retention cannot break off
     * when the engine becomes busy (it makes way only between steps).
     */
    private int issueBatch() {
        return Math.max(1, settings.batchSize() / 10);
    }

    /**
     * Waits while the engine has been evaluating for {@link #YIELD_AFTER} or longer, or the engine's outputs have waited
     * that long for the database, at most {@link #MOST_YIELD} a step; the time waited is in the run's report.
     */
    private void makeWay() throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + mostYield.toNanos();
        while (foreground.busyFor().compareTo(YIELD_AFTER) >= 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        yieldedNanos += System.nanoTime() - start;
    }
}
