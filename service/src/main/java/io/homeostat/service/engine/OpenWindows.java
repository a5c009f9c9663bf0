package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.ActiveWindow;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

/**
 * The configured maintenance and change-freeze windows, as {@link ActiveWindow} facts while they are
 * open: checked at most once a second of session time. Engine-thread only, one per session.
 */
final class OpenWindows {
    private final KieSession session;
    private final Map<String, FactHandle> handles = new HashMap<>();
    private final Map<String, ActiveWindow> open = new HashMap<>();
    private List<WindowSchedule> schedules = List.of();
    private boolean checked;
    private long checkedAt;

    OpenWindows(KieSession session) {
        this.session = session;
    }

    void set(List<WindowSchedule> configured) {
        this.schedules = List.copyOf(configured);
        checked = false;
    }

    List<WindowSchedule> schedules() {
        return schedules;
    }

    /** Opens and closes windows as the clock has moved, at most once a second of session time. */
    void refresh(long now) {
        if (schedules.isEmpty() && open.isEmpty() || checked && now >= checkedAt && now - checkedAt < 1_000) {
            return;
        }
        checked = true;
        checkedAt = now;
        for (WindowSchedule schedule : schedules) {
            Optional<ActiveWindow> opened = schedule.openAt(now);
            ActiveWindow current = open.get(schedule.name());
            if (opened.isPresent() && !opened.get().equals(current)) {
                FactHandle handle = handles.remove(schedule.name());
                if (handle != null) {
                    session.delete(handle);
                }
                handles.put(schedule.name(), session.insert(opened.get()));
                open.put(schedule.name(), opened.get());
            } else if (opened.isEmpty() && current != null) {
                session.delete(handles.remove(schedule.name()));
                open.remove(schedule.name());
            }
        }
    }
}
