package io.homeostat.service.engine.facts;

/**
 * A maintenance or change-freeze window that is open now. The engine inserts it when a configured
 * window's cron expression starts it and deletes it when its duration is over.
 *
 * @param labelKey the resource label it applies to, or null for every resource
 * @param until when it closes (epoch ms)
 */
public record ActiveWindow(String name, String kind, String labelKey, String labelValue, long until) {
    public String getName() {
        return name;
    }

    public String getKind() {
        return kind;
    }

    public boolean isGlobal() {
        return labelKey == null;
    }

    public String getLabelKey() {
        return labelKey;
    }

    public String getLabelValue() {
        return labelValue;
    }

    public long getUntil() {
        return until;
    }

    /** Whether it covers a resource with {@code view}'s labels (null view: only global windows do). */
    public boolean covers(ResourceView view) {
        return labelKey == null || (view != null && labelValue.equals(view.label(labelKey)));
    }
}
