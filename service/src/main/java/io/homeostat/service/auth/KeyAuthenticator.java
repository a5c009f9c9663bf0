package io.homeostat.service.auth;

import io.dropwizard.auth.Authenticator;
import io.homeostat.service.model.ApiKeyRecord;
import io.homeostat.service.store.KeyStore;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;

/**
 * Finds the active key whose hash matches the presented bearer token. Wrapped in Dropwizard's
 * {@code CachingAuthenticator}, so this runs (and records the key's last use) at most once per
 * cache period per key; unknown tokens are not cached, so a new key works at once.
 */
public final class KeyAuthenticator implements Authenticator<String, Caller> {
    private final KeyStore keys;
    private final Clock clock;

    public KeyAuthenticator(KeyStore keys, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<Caller> authenticate(String token) {
        if (token == null || token.isEmpty() || token.length() > 512) {
            return Optional.empty();
        }
        Optional<ApiKeyRecord> key = keys.findActiveByHash(KeyMaterial.hash(token));
        key.ifPresent(found -> keys.touch(found.id(), clock.instant()));
        return key.map(found -> new Caller(found.id(), found.name(), Role.parse(found.role()), found.tenant()));
    }
}
