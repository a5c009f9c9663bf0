package io.homeostat.service.model;

import java.time.Instant;

/** A series' learned baseline as stored (table {@code baselines}), so that a restart does not begin its warm-up again. */
public record BaselineRecord(String tenant, String resource, String metric, double mean, double variance, int samples, Instant updatedAt) {
}
