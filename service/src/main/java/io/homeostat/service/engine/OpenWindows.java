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
    /** Maintenance operators switched on, by window name, each until its end. */
    private final Map<String, ActiveWindow> manual = new HashMap<>();
    private final Map<String, FactHandle> manualHandles = new HashMap<>();
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

    /** An operator's maintenance on (replacing the one of its scope) or off. */
    void manual(MaintenanceMode mode, long now) {
        String name = mode.windowName();
        FactHandle previous = manualHandles.remove(name);
        if (previous != null) {
            session.delete(previous);
        }
        manual.remove(name);
        if (mode.on() && mode.until() > now) {
            ActiveWindow window = new ActiveWindow(name, "maintenance", mode.labelKey(), mode.labelValue(), mode.until());
            manual.put(name, window);
            manualHandles.put(name, session.insert(window));
        }
    }

    /** The operators' maintenance still on, for a successor session (a rule reload) to hold too. */
    List<MaintenanceMode> manual() {
        return manual.values().stream().map(w -> new MaintenanceMode(w.getName().substring("operator:".length()), true, w.getLabelKey(),
                w.getLabelValue(), w.getUntil())).toList();
    }

    /** Opens and closes windows as the clock has moved, at most once a second of session time. */
    void refresh(long now) {
        if (!manual.isEmpty()) {
            for (ActiveWindow window : List.copyOf(manual.values())) {
                if (window.getUntil() <= now) {
                    session.delete(manualHandles.remove(window.getName()));
                    manual.remove(window.getName());
                }
            }
        }
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
