package io.homeostat.service.resources;

import io.homeostat.service.engine.facts.AutoRemediation;
import io.homeostat.service.store.GateStateStore;
import io.homeostat.service.store.Store;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code /api/v1/auto-remediation}: switch automatic remediation off and on, globally or for one
 * tenant. Persisted (it survives a restart) and handed to the rules, whose auto-remediation gate
 * blocks automatic runs while a switch is off; operators' manual runs still go through.
 */
@Path("/api/v1/auto-remediation")
@Produces(MediaType.APPLICATION_JSON)
public final class AutoRemediationResource {
    /** The body of a change: tenant absent means the global switch. */
    public record Change(Boolean enabled, String tenant, String by, String reason) {
    }

    private final Store store;
    private final Consumer<Object> engine;
    private final Clock clock;

    public AutoRemediationResource(Store store, Consumer<Object> engine, Clock clock) {
        this.store = store;
        this.engine = engine;
        this.clock = clock;
    }

    @GET
    public List<GateStateStore.Switch> list() {
        return store.gateState().switches();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public GateStateStore.Switch change(Change change) {
        if (change == null || change.enabled() == null) {
            throw ApiErrors.error(422, "field 'enabled' (true or false) is required");
        }
        String scope = change.tenant() == null ? AutoRemediation.GLOBAL : change.tenant().strip();
        if (scope.isEmpty() || scope.length() > 128) {
            throw ApiErrors.error(422, "field 'tenant' must be 1 to 128 characters, or absent for the global switch");
        }
        Instant now = clock.instant();
        GateStateStore.Switch value = new GateStateStore.Switch(scope, change.enabled(), Operator.by(change.by()),
                Operator.reason(change.reason()), now);
        store.gateState().saveSwitch(value);
        engine.accept(new AutoRemediation(scope, value.enabled(), value.changedBy(), value.reason(), now.toEpochMilli()));
        return value;
    }
}
