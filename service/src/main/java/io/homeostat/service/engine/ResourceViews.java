package io.homeostat.service.engine;

import io.homeostat.service.engine.facts.ResourceView;
import io.homeostat.service.engine.facts.Signal;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;
import org.kie.api.runtime.KieSession;
import org.kie.api.runtime.rule.FactHandle;

/**
 * The {@link ResourceView} of each resource the session has heard from, kept as facts: inserted at a
 * resource's first signal, updated only when a new source or new labels appear, forgotten after
 * {@link ResourceView#RETENTION_MILLIS} without a signal (checked once a minute of session time).
 * Engine-thread only, one per session.
 */
final class ResourceViews {
    private final KieSession session;
    /** Per tenant, per resource: nested maps so that the per-signal look-up builds no key. */
    private final Map<String, Map<String, ResourceView>> views = new HashMap<>();
    private final Map<ResourceView, FactHandle> handles = new IdentityHashMap<>();
    private long checkedAt;

    ResourceViews(KieSession session) {
        this.session = session;
    }

    /** Notes a signal: the first of its resource inserts the view; a new source or labels update it. */
    void observe(Signal signal) {
        Map<String, ResourceView> ofTenant = views.computeIfAbsent(signal.getTenant(), tenant -> new HashMap<>());
        ResourceView view = ofTenant.get(signal.getResource());
        if (view == null) {
            view = new ResourceView(signal.getTenant(), signal.getResource(), signal.getLabels());
            view.observe(signal);
            ofTenant.put(signal.getResource(), view);
            handles.put(view, session.insert(view));
        } else if (view.observe(signal)) {
            session.update(handles.get(view), view);
        }
    }

    /** Once a minute of session time: resources silent for {@link ResourceView#RETENTION_MILLIS} are forgotten. */
    void forgetIdle(long now) {
        if (Math.abs(now - checkedAt) < 60_000) {
            return;
        }
        checkedAt = now;
        for (Map<String, ResourceView> ofTenant : views.values()) {
            ofTenant.values().removeIf(view -> {
                if (!view.idleAt(now)) {
                    return false;
                }
                session.delete(handles.remove(view));
                return true;
            });
        }
        views.values().removeIf(Map::isEmpty);
    }

    /** Takes {@code from}'s views into this session (a rule reload): the same view objects, new handles. */
    void carryOver(ResourceViews from, java.util.function.BiPredicate<String, String> released) {
        from.views.forEach((tenant, ofTenant) -> {
            Map<String, ResourceView> copy = new HashMap<>(ofTenant);
            copy.keySet().removeIf(resource -> released.test(tenant, resource));
            views.put(tenant, copy);
            copy.values().forEach(view -> handles.put(view, session.insert(view)));
        });
    }

    long size() {
        return handles.size();
    }
}
