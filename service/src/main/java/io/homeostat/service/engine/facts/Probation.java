package io.homeostat.service.engine.facts;

/**
 * After an issue that automation fixed is resolved, its fingerprint is on probation until
 * {@code until}: the same problem coming back within it is fixed again, after a backoff that
 * doubles ({@code retryAt}), and its {@code PolicySettings.probationReturns}-th return escalates
 * instead of looping through the same fix.
 *
 * @param returns how often the problem came back within this probation
 * @param lastIssueId the issue of the last return (counted once)
 * @param retryAt when action may resume after the last return (epoch ms; the backoff gate)
 */
public record Probation(String tenant, String resource, String issueType, String fixedBy, long durationMillis, long until, int returns,
                        String lastIssueId, long retryAt) implements Rescheduled {
    /** A probation that has seen no return yet. */
    public Probation(String tenant, String resource, String issueType, String fixedBy, long durationMillis, long until) {
        this(tenant, resource, issueType, fixedBy, durationMillis, until, 0, "", 0);
    }

    @Override
    public Probation rebased(long now) {
        return new Probation(tenant, resource, issueType, fixedBy, Math.max(1, until - now), until, returns, lastIssueId, retryAt);
    }

    /** The same probation, the problem back as {@code issueId}: its {@code count}-th return; action waits until {@code retryAt}. */
    public Probation returned(String issueId, int count, long retryAtMillis, long now) {
        return new Probation(tenant, resource, issueType, fixedBy, Math.max(1, until - now), until, count, issueId, retryAtMillis);
    }

    public String getTenant() {
        return tenant;
    }

    public String getResource() {
        return resource;
    }

    public String getIssueType() {
        return issueType;
    }

    public String getFixedBy() {
        return fixedBy;
    }

    public long getDurationMillis() {
        return durationMillis;
    }

    public int getReturns() {
        return returns;
    }

    public String getLastIssueId() {
        return lastIssueId;
    }

    public long getRetryAt() {
        return retryAt;
    }
}
