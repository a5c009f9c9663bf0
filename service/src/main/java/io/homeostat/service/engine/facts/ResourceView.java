package io.homeostat.service.engine.facts;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.kie.api.definition.type.ClassReactive;

/**
 * What the engine has seen of one resource: its latest labels and the sources that observe it.
 * The engine keeps one per resource from the signals it evaluates (facts, not policy): the
 * blast-radius gate groups resources by a label, the quorum gate counts observing sources.
 *
 * <p>Class-reactive: gate patterns call {@code label(key)} with a key bound elsewhere, which
 * property reactivity cannot track.
 */
@ClassReactive
public final class ResourceView {
    /** A source that sent nothing for this long no longer counts as observing: a signal's lifetime. */
    public static final long OBSERVER_TTL_MILLIS = Signal.LIFETIME.toMillis();
    /**
     * A resource that sent nothing for this long is forgotten (its labels too), so that a fleet
     * whose members come and go (pods with new names) does not grow the session without bound.
     */
    public static final long RETENTION_MILLIS = 24 * 3_600_000L;

    private final String tenant;
    private final String resource;
    private Map<String, String> labels;
    private final Map<String, Long> sources = new HashMap<>();
    private long lastSeen = Long.MIN_VALUE;

    public ResourceView(String tenant, String resource, Map<String, String> labels) {
        this.tenant = Objects.requireNonNull(tenant, "tenant");
        this.resource = Objects.requireNonNull(resource, "resource");
        this.labels = Map.copyOf(labels);
    }

    /**
     * Notes a signal; true when something rules can see changed (a new source or new labels), so
     * that the engine updates the fact only then.
     */
    public boolean observe(Signal signal) {
        lastSeen = Math.max(lastSeen, signal.getTime());
        String source = signal.getReporter();
        Long previous = sources.get(source);
        // Observers count at the granularity of their 15-minute lifetime: refresh at most every 10 s
        // (this runs for every signal; a boxed put each time showed in the benchmark).
        if (previous == null || signal.getTime() - previous > 10_000) {
            sources.put(source, signal.getTime());
        }
        boolean changed = previous == null;
        if (!signal.getLabels().isEmpty() && !signal.getLabels().equals(labels)) {
            labels = signal.getLabels();
            changed = true;
        }
        return changed;
    }

    public String getTenant() {
        return tenant;
    }

    public String getResource() {
        return resource;
    }

    public Map<String, String> getLabels() {
        return labels;
    }

    /** True when the newest signal of this resource is more than {@link #RETENTION_MILLIS} before {@code now}. */
    public boolean idleAt(long now) {
        return now - lastSeen > RETENTION_MILLIS;
    }

    /** The value of one label, or null. */
    public String label(String key) {
        return labels.get(key);
    }

    /** How many sources sent a signal for this resource within {@link #OBSERVER_TTL_MILLIS} of {@code now}. */
    public int observersAt(long now) {
        int count = 0;
        for (long last : sources.values()) {
            if (now - last <= OBSERVER_TTL_MILLIS) {
                count++;
            }
        }
        return count;
    }

    @Override
    public String toString() {
        return "ResourceView[" + resource + " " + labels + " sources " + sources.keySet() + "]";
    }
}
