package io.homeostat.service.engine.facts;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.kie.api.definition.type.ClassReactive;

/**
 * A classified problem of one resource. Rules create it (one active issue per
 * {@link #getFingerprint() fingerprint}), record new evidence and clear observations on it, and
 * resolve it after a quiet period. Mutable on purpose: rules change it with {@code modify}, and the
 * engine persists every change at the end of the batch. Class-reactive: its derived properties
 * ({@code active}, {@code clearing}) change with any modification, so every pattern re-evaluates.
 */
@ClassReactive
public final class Issue implements Rescheduled {
    private final String id;
    private final String tenant;
    private final String resource;
    private final String type;
    private final String category;
    private final String openedBy;
    private final long openedAt;
    private Severity severity;
    private IssueState state = IssueState.OPEN;
    private String summary;
    private long lastEvidenceAt;
    private long lastClearAt;
    private int evidenceCount;
    private long resolvedAt;
    private final Set<String> reporters = new TreeSet<>();
    /** The issue of a resource this one depends on that is handled instead of this one (root-cause.drl); null when none. */
    private String rootCause;
    /** The dependency chain from this resource to the root's, for people: "service:api → db:main". */
    private String rootCauseChain;
    /**
     * How much of the quiet period had already passed when this issue was carried into a new
     * session (a restart, a rule reload): the resolve timer starts with its activation, so without
     * this a restart in the quiet period would start it again from the beginning. Not stored.
     */
    private long quietServedMillis;

    /** An issue opened on one piece of evidence observed at {@code openedAt}. */
    public Issue(String tenant, String resource, String type, Severity severity, String category,
                 long openedAt, String openedBy, String summary) {
        this(tenant, resource, type, severity, category, openedAt, 1, openedBy, summary);
    }

    /**
     * An issue opened on {@code evidenceCount} pieces of evidence, the latest observed at
     * {@code openedAt} (rules that count signals in a window pass the count and the newest time).
     */
    public Issue(String tenant, String resource, String type, Severity severity, String category,
                 long openedAt, int evidenceCount, String openedBy, String summary) {
        this.id = UUID.randomUUID().toString();
        // Limits are the store's column widths (migrations.xml).
        this.tenant = FactText.identifier("tenant", tenant, 128);
        this.resource = FactText.identifier("resource", resource, 512);
        this.type = FactText.identifier("type", type, 128);
        this.severity = Objects.requireNonNull(severity, "severity");
        this.category = FactText.identifier("category", category, 32);
        this.openedAt = openedAt;
        this.openedBy = FactText.identifier("openedBy", openedBy, 512);
        this.summary = FactText.shorten(summary, 2000);
        this.lastEvidenceAt = openedAt;
        this.evidenceCount = Math.max(1, evidenceCount);
    }

    /**
     * An issue read back from the store at start-up, with its id, state and every time a rule
     * compares: the last healthy reading (the quiet period counts from it; without it a restart
     * sent a recovering issue back to open) and, for a resolved tombstone, when it resolved.
     * docs/ARCHITECTURE.md lists which fields are stored and which are derived.
     */
    public static Issue restore(String id, String tenant, String resource, String type, Severity severity, String category,
                                IssueState state, String openedBy, String summary, long openedAt, long lastEvidenceAt,
                                long lastClearAt, long resolvedAt, int evidenceCount, Collection<String> reporters, String rootCause,
                                String rootCauseChain) {
        Issue issue = new Issue(id, tenant, resource, type, severity, category, openedAt, evidenceCount, openedBy, summary);
        issue.rootCause = rootCause;
        issue.rootCauseChain = rootCauseChain;
        issue.state = state;
        issue.lastEvidenceAt = lastEvidenceAt;
        issue.lastClearAt = lastClearAt;
        issue.resolvedAt = resolvedAt;
        issue.reporters.addAll(reporters);
        return issue;
    }

    private Issue(String id, String tenant, String resource, String type, Severity severity, String category,
                  long openedAt, int evidenceCount, String openedBy, String summary) {
        this.id = id;
        this.tenant = tenant;
        this.resource = resource;
        this.type = type;
        this.severity = severity;
        this.category = category;
        this.openedAt = openedAt;
        this.openedBy = openedBy;
        this.summary = summary;
        this.lastEvidenceAt = openedAt;
        this.evidenceCount = evidenceCount;
    }

    /**
     * Notes the sources (signal {@code source}) that reported the evidence; the quorum gate
     * compares them with the sources that observe the resource. Returns this, for opening rules.
     */
    public Issue reportedBy(Collection<?> sources) {
        for (Object source : sources) {
            reporters.add(source == null ? Signal.ANONYMOUS_SOURCE : source.toString());
        }
        return this;
    }

    /** Counts one more piece of evidence observed at {@code time}, reported by {@code source}. */
    public void recordEvidence(long time, String source) {
        recordEvidence(time);
        reporters.add(source == null ? Signal.ANONYMOUS_SOURCE : source);
    }

    /** The sources that reported evidence of this issue. */
    public Set<String> getReporters() {
        return Set.copyOf(reporters);
    }

    /** The part of the resource id before the first colon: {@code service}, {@code host}, ... */
    public String getResourceKind() {
        int colon = resource.indexOf(':');
        return colon < 0 ? resource : resource.substring(0, colon);
    }

    public boolean isCritical() {
        return severity == Severity.CRITICAL;
    }

    /** The identity of "the same problem": tenant, resource and type. */
    public static String fingerprint(String tenant, String resource, String type) {
        return tenant + "|" + resource + "|" + type;
    }

    public String getFingerprint() {
        return fingerprint(tenant, resource, type);
    }

    /** Counts one more piece of evidence observed at {@code time}. */
    public void recordEvidence(long time) {
        quietServedMillis = 0;
        evidenceCount++;
        lastEvidenceAt = Math.max(lastEvidenceAt, time);
    }

    /** Notes that the metric looked healthy at {@code time}; the quiet period counts from here. */
    public void recordClear(long time) {
        lastClearAt = Math.max(lastClearAt, time);
    }

    @Override
    public Issue rebased(long now) {
        quietServedMillis = isClearing() ? Math.max(0, now - lastClearAt) : 0;
        return this;
    }

    /** What of the quiet period had passed before this issue was carried over; the resolve timer waits only the rest. */
    public long getQuietServedMillis() {
        return quietServedMillis;
    }

    /** True when a healthy observation came after the last piece of evidence. */
    public boolean isClearing() {
        return lastClearAt > lastEvidenceAt;
    }

    /** This issue waits while {@code root} (an issue of a resource it depends on) is handled; {@code chain} says how they connect. */
    public void waitFor(Issue root, String chain) {
        this.rootCause = root.getId();
        this.rootCauseChain = FactText.shorten(chain, 1000);
    }

    /** No longer waits on a root cause: its own strategies apply. */
    public void release() {
        this.rootCause = null;
        this.rootCauseChain = null;
    }

    public String getRootCause() {
        return rootCause;
    }

    public String getRootCauseChain() {
        return rootCauseChain;
    }

    /** Whether {@code resource} is in the chain this issue waits through (so that dependencies in a cycle cannot all wait). */
    public boolean waitsThrough(String other) {
        if (rootCauseChain == null) {
            return false;
        }
        for (String link : rootCauseChain.split(" → ")) {
            if (link.equals(other)) {
                return true;
            }
        }
        return false;
    }

    /** Whether it waits on another issue ({@link #getRootCause()}). */
    public boolean isWaiting() {
        return rootCause != null;
    }

    public void resolve(long time) {
        state = IssueState.RESOLVED;
        resolvedAt = time;
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

    public String getType() {
        return type;
    }

    public String getCategory() {
        return category;
    }

    public String getOpenedBy() {
        return openedBy;
    }

    public long getOpenedAt() {
        return openedAt;
    }

    public Severity getSeverity() {
        return severity;
    }

    public void setSeverity(Severity severity) {
        this.severity = Objects.requireNonNull(severity, "severity");
    }

    public IssueState getState() {
        return state;
    }

    public void setState(IssueState state) {
        this.state = Objects.requireNonNull(state, "state");
    }

    public boolean isActive() {
        return state.isActive();
    }

    public String getSummary() {
        return summary;
    }

    public void setSummary(String summary) {
        this.summary = FactText.shorten(summary, 2000);
    }

    public long getLastEvidenceAt() {
        return lastEvidenceAt;
    }

    public long getLastClearAt() {
        return lastClearAt;
    }

    public int getEvidenceCount() {
        return evidenceCount;
    }

    public long getResolvedAt() {
        return resolvedAt;
    }

    @Override
    public String toString() {
        return "Issue[" + type + " " + resource + " " + state + " " + severity + "]";
    }
}
