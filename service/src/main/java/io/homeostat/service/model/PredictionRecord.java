package io.homeostat.service.model;

import java.time.Instant;

/**
 * A prediction as stored: that {@code metric} of {@code resource} reaches {@code threshold} within
 * {@code bucket}; scored once {@code horizonAt} has passed: {@code outcome} "came_true" (an issue
 * of {@code issueType} opened on the resource before the horizon), "prevented" (an issue the
 * prediction itself opened was fixed by an action first), or "did_not"; null until scored.
 */
public record PredictionRecord(String id, String tenant, String resource, String kind, String metric, double threshold, String bucket,
                               double hoursLeft, double confidence, String issueType, Instant predictedAt, Instant horizonAt,
                               String outcome, Instant scoredAt) {
    public static final String CAME_TRUE = "came_true";
    public static final String PREVENTED = "prevented";
    public static final String DID_NOT = "did_not";
}
