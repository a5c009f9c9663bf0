package io.homeostat.service.engine.facts;

/**
 * After an issue that automation fixed is resolved, its fingerprint is on probation: the same
 * problem coming back within {@code durationMillis} (until {@code until}) escalates instead of
 * looping through the same fix.
 */
public record Probation(String tenant, String resource, String issueType, String fixedBy, long durationMillis, long until)
        implements Rescheduled {
    @Override
    public Probation rebased(long now) {
        return new Probation(tenant, resource, issueType, fixedBy, Math.max(1, until - now), until);
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
}
