package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.retention.RetentionJob;

/**
 * Unhealthy while the last retention run stopped on an error (the archive not writable, the database
 * away): nothing unarchived was deleted, but the tables grow until a run succeeds.
 */
public final class RetentionHealthCheck extends HealthCheck {
    private final RetentionJob job;

    public RetentionHealthCheck(RetentionJob job) {
        this.job = job;
    }

    @Override
    protected Result check() {
        RetentionJob.Report last = job.last();
        if (last == null) {
            return Result.healthy("no run yet; archive " + job.archiveDirectory());
        }
        if (last.failed()) {
            return Result.unhealthy("the last retention run stopped: " + last.failure() + " (last success: "
                    + (job.lastSuccess() == null ? "never" : job.lastSuccess()) + ")");
        }
        return Result.healthy("last run archived " + last.archived() + " into " + job.archiveDirectory());
    }
}
