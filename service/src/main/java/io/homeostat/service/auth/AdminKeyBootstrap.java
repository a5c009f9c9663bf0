package io.homeostat.service.auth;

import io.homeostat.service.model.Actor;
import io.homeostat.service.model.ApiKeyRecord;
import io.homeostat.service.store.KeyStore;
import java.io.PrintStream;
import java.time.Clock;
import java.util.Objects;
import java.util.UUID;

/**
 * The first key. With an empty key table the service would be unusable, so on start it creates
 * an all-tenants admin key named {@code admin}: the one given in HOMEOSTAT_ADMIN_KEY, or a new one
 * printed once to standard output (not the log: logs are shipped and kept). With keys present it
 * does nothing: a supplied key is never added later, so the environment cannot re-open access
 * that an admin revoked.
 */
public final class AdminKeyBootstrap {
    public static final String NAME = "admin";

    private AdminKeyBootstrap() {
    }

    /** What happened at start-up, for one log line that holds no secret. */
    public enum Outcome {
        KEYS_PRESENT("loaded from the database"),
        SUPPLIED_KEY_STORED("first admin key taken from HOMEOSTAT_ADMIN_KEY"),
        GENERATED_AND_PRINTED("first admin key generated and printed to standard output");

        private final String description;

        Outcome(String description) {
            this.description = description;
        }

        @Override
        public String toString() {
            return description;
        }
    }

    public static Outcome ensure(KeyStore keys, String suppliedKey, PrintStream console, Clock clock) {
        Objects.requireNonNull(keys, "keys");
        if (keys.count() > 0) {
            return Outcome.KEYS_PRESENT;
        }
        boolean supplied = suppliedKey != null && !suppliedKey.isBlank();
        if (supplied) {
            String weakness = KeyMaterial.weakness(suppliedKey);
            if (weakness != null) {
                throw new IllegalArgumentException("HOMEOSTAT_ADMIN_KEY (auth.adminKey) is not usable: " + weakness);
            }
        }
        String key = supplied ? suppliedKey : KeyMaterial.generate();
        ApiKeyRecord record = new ApiKeyRecord(UUID.randomUUID().toString(), NAME, Role.ADMIN.id(), null, clock.instant(),
                "start-up", null, null, null);
        keys.insert(record, KeyMaterial.hash(key), Actor.START_UP);
        if (supplied) {
            return Outcome.SUPPLIED_KEY_STORED;
        }
        console.println();
        console.println("================================================================================");
        console.println("Homeostat created the first admin API key. It is shown this once and stored only as a hash:");
        console.println();
        console.println("    " + key);
        console.println();
        console.println("Use it as 'Authorization: Bearer <key>'; create narrower keys with POST /api/v1/keys or 'keys create'.");
        console.println("================================================================================");
        console.println();
        console.flush();
        return Outcome.GENERATED_AND_PRINTED;
    }

}
