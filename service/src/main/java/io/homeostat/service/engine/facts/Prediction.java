package io.homeostat.service.engine.facts;

import java.util.Objects;
import java.util.UUID;

/**
 * A prediction that a resource's metric reaches a threshold within a horizon (predictions.drl),
 * made from its {@link Projection}. One per (tenant, resource, kind) at a time; stored, and scored
 * when its horizon has passed (did the problem come, or was it prevented). Its timer removes it
 * from the session at the horizon ({@link #getTimerMillis()}), after which a new one may be made.
 */
public final class Prediction implements Rescheduled {
    private final String id;
    private final String bucket;
    private final String tenant;
    private final String resource;
    private final String kind;
    private final String metric;
    private final double threshold;
    private final double hoursLeft;
    private final double confidence;
    private final long predictedAt;
    private final long horizonAt;
    private final String issueType;
    private long timerMillis;

    /**
     * @param issueType the issue type whose opening before the horizon makes it come true
     */
    public Prediction(String tenant, String resource, String kind, String metric, double threshold, Projection projection, long now,
                      String issueType) {
        this.id = UUID.randomUUID().toString();
        this.tenant = FactText.identifier("tenant", tenant, 128);
        this.resource = FactText.identifier("resource", resource, 512);
        this.kind = FactText.identifier("kind", kind, 64);
        this.metric = Objects.requireNonNull(metric, "metric");
        this.threshold = threshold;
        this.hoursLeft = Math.max(0, projection.hoursTo(threshold));
        this.confidence = projection.getConfidence();
        this.predictedAt = now;
        // The horizon is the end of the bucket it falls in: "within 6 h" is scored at 6 h.
        double bucketEnd = hoursLeft < 1 ? 1 : hoursLeft < 6 ? 6 : 24;
        this.horizonAt = projection.at() + (long) (bucketEnd * 3_600_000);
        this.issueType = FactText.identifier("issueType", issueType, 128);
        this.timerMillis = Math.max(1, horizonAt - now);
        this.bucket = Projection.bucket(hoursLeft);
    }

    private Prediction(String id, String tenant, String resource, String kind, String metric, double threshold, String bucket,
                       double hoursLeft, double confidence, long predictedAt, long horizonAt, String issueType, long now) {
        this.id = id;
        this.tenant = tenant;
        this.resource = resource;
        this.kind = kind;
        this.metric = metric;
        this.threshold = threshold;
        this.bucket = bucket;
        this.hoursLeft = hoursLeft;
        this.confidence = confidence;
        this.predictedAt = predictedAt;
        this.horizonAt = horizonAt;
        this.issueType = issueType;
        this.timerMillis = Math.max(1, horizonAt - now);
    }

    /** A stored prediction whose horizon is still ahead, back in the session after a restart. */
    public static Prediction restore(String id, String tenant, String resource, String kind, String metric, double threshold, String bucket,
                                     double hoursLeft, double confidence, long predictedAt, long horizonAt, String issueType, long now) {
        return new Prediction(id, tenant, resource, kind, metric, threshold, bucket, hoursLeft, confidence, predictedAt, horizonAt, issueType,
                now);
    }

    @Override
    public Prediction rebased(long now) {
        timerMillis = Math.max(1, horizonAt - now);
        return this;
    }

    public String getId() {
        return id;
    }

    public String getTenant() {
        return tenant;
    }

    public String getResource() {
        return resource;
    }

    public String getKind() {
        return kind;
    }

    public String getMetric() {
        return metric;
    }

    public double getThreshold() {
        return threshold;
    }

    public double getHoursLeft() {
        return hoursLeft;
    }

    public double getConfidence() {
        return confidence;
    }

    /** "<1h", "1-6h" or "6-24h". */
    public String getBucket() {
        return bucket;
    }

    public long getPredictedAt() {
        return predictedAt;
    }

    public long getHorizonAt() {
        return horizonAt;
    }

    public String getIssueType() {
        return issueType;
    }

    public long getTimerMillis() {
        return timerMillis;
    }

    @Override
    public String toString() {
        return "Prediction[" + kind + " " + resource + " in " + getBucket() + " (" + String.format("%.1f", hoursLeft) + " h), confidence "
                + String.format("%.2f", confidence) + "]";
    }
}
