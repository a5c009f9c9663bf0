package io.homeostat.service.tasks;

import io.dropwizard.servlets.tasks.Task;
import io.homeostat.service.retention.RetentionJob;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/retention} on the admin port: runs retention now (after a run under way) and
 * prints what it archived and deleted per table, or why it stopped.
 */
public final class RetentionTask extends Task {
    private final RetentionJob job;

    public RetentionTask(RetentionJob job) {
        super("retention");
        this.job = job;
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) throws Exception {
        RetentionJob.Report report = job.runNow();
        if (report.failed()) {
            output.println("stopped: " + report.failure() + "; archived before that: " + report.archived());
            return;
        }
        output.println("archived and deleted " + report.archived() + " into " + job.archiveDirectory() + " in "
                + report.took().toMillis() + " ms (longest delete " + report.longestDelete().toMillis() + " ms, "
                + report.yielded().toMillis() + " ms making way for the engine)");
    }
}
