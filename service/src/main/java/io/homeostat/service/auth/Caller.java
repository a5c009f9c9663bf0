package io.homeostat.service.auth;

import io.homeostat.service.model.Actor;
import java.security.Principal;
import java.util.Objects;

/**
 * Who is calling: the API key that authenticated the request. {@code tenant} is null for an
 * all-tenants key (admin only); every other key sees and changes only its own tenant.
 */
public record Caller(String keyId, String name, Role role, String tenant) implements Principal {
    public Caller {
        Objects.requireNonNull(keyId, "keyId");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(role, "role");
    }

    @Override
    public String getName() {
        return name;
    }

    public boolean allTenants() {
        return tenant == null;
    }

    /** This key as the audit records it, calling {@code endpoint} ("POST /api/v1/..."). */
    public Actor actor(String endpoint) {
        return new Actor(name, role.id(), endpoint);
    }

    /** True when this key may see or change something that belongs to {@code resourceTenant}. */
    public boolean sees(String resourceTenant) {
        return tenant == null || tenant.equals(resourceTenant);
    }
}
