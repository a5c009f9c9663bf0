package io.homeostat.service.auth;

import io.homeostat.service.intake.Names;
import io.homeostat.service.model.Actor;
import io.homeostat.service.model.ApiKeyRecord;
import io.homeostat.service.store.KeyStore;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Creating and revoking keys, with the same rules for the API and the {@code keys} command: a key
 * has a unique active name, a role and a tenant; only an admin key may span all tenants; a
 * tenant's admin manages only its own tenant's keys and cannot mint an all-tenants key.
 */
public final class ApiKeys {
    /** A new key: its record and the key itself, which is shown this once. */
    public record Created(ApiKeyRecord record, String key) {
    }

    /** A request that breaks the rules; the message says which. */
    public static final class InvalidKeyRequest extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public InvalidKeyRequest(String message) {
            super(message);
        }
    }

    private final KeyStore keys;
    private final Clock clock;

    public ApiKeys(KeyStore keys, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates a key on behalf of {@code by} (null for the command line, which has the database's
     * own credentials and so all tenants).
     */
    public Created create(String name, String roleName, String tenant, Caller by) {
        if (name == null || name.isBlank() || name.length() > 128 || !printable(name)) {
            throw new InvalidKeyRequest("'name' must be 1 to 128 printable characters (it names the key in the audit)");
        }
        Role role;
        try {
            role = Role.parse(roleName);
        } catch (IllegalArgumentException e) {
            throw new InvalidKeyRequest("'role': " + e.getMessage());
        }
        String scope = tenant == null || tenant.isBlank() ? null : tenant.strip();
        if (by != null && !by.allTenants()) {
            if (scope != null && !scope.equals(by.tenant())) {
                throw new InvalidKeyRequest("'tenant': a key of tenant '" + by.tenant() + "' can create keys of that tenant only");
            }
            scope = by.tenant();
        }
        if (scope == null && role != Role.ADMIN) {
            throw new InvalidKeyRequest("'tenant' is required for a " + role.id() + " key: only admin keys may span all tenants");
        }
        if (scope != null && !Names.isTenant(scope)) {
            throw new InvalidKeyRequest("'tenant' must be lower-case letters, digits, '_' or '-', at most 64 characters");
        }
        String key = KeyMaterial.generate();
        ApiKeyRecord record = new ApiKeyRecord(UUID.randomUUID().toString(), name.strip(), role.id(), scope, clock.instant(),
                by == null ? "command line" : by.name(), null, null, null);
        if (!keys.insert(record, KeyMaterial.hash(key), actor(by, "POST /api/v1/keys"))) {
            throw new InvalidKeyRequest("'name': an active key named '" + record.name() + "' exists; revoke it or choose another name");
        }
        return new Created(record, key);
    }

    /** The key with this id, or else the active key with this name, that {@code by} may see. */
    public Optional<ApiKeyRecord> find(String idOrName, Caller by) {
        Optional<ApiKeyRecord> key = keys.find(idOrName).or(() -> keys.findActiveByName(idOrName));
        return key.filter(found -> by == null || by.sees(found.tenant()) && (found.tenant() != null || by.allTenants()));
    }

    /** Revokes a key; empty when {@code by} cannot see it, false when it was already revoked. */
    public Optional<Boolean> revoke(String idOrName, Caller by) {
        return find(idOrName, by).map(found -> keys.revoke(found.id(), actor(by, "DELETE /api/v1/keys/{id}"), clock.instant()));
    }

    private static Actor actor(Caller by, String endpoint) {
        return by == null ? Actor.COMMAND_LINE : by.actor(endpoint);
    }

    private static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isISOControl(text.charAt(i)) || Character.isSurrogate(text.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}
