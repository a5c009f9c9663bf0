package io.homeostat.service.auth;

import io.dropwizard.auth.AuthenticationException;
import io.dropwizard.auth.Authenticator;
import io.homeostat.service.model.ApiKeyRecord;
import io.homeostat.service.store.KeyStore;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the active key whose hash matches the presented bearer token. Wrapped in Dropwizard's
 * {@code CachingAuthenticator}, so this runs (and records the key's last use) at most once per
 * cache period per key; unknown tokens are not cached, so a new key works at once.
 *
 * <p>While the database cannot be read, a key this authenticator has seen valid still works (and
 * each such answer is counted, {@code staleAnswers}): intake must go on accepting signals through
 * a database outage, as it did before keys existed. A key never seen is refused until the
 * database answers again. A revocation made during the outage takes effect when it ends.
 */
public final class KeyAuthenticator implements Authenticator<String, Caller> {
    private static final Logger LOG = LoggerFactory.getLogger(KeyAuthenticator.class);

    private final KeyStore keys;
    private final Clock clock;
    private final Map<String, Caller> lastKnown = new ConcurrentHashMap<>();
    private final AtomicLong staleAnswers = new AtomicLong();

    public KeyAuthenticator(KeyStore keys, Clock clock) {
        this.keys = Objects.requireNonNull(keys, "keys");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<Caller> authenticate(String token) throws AuthenticationException {
        if (token == null || token.isEmpty() || token.length() > 512) {
            return Optional.empty();
        }
        String hash = KeyMaterial.hash(token);
        Optional<ApiKeyRecord> key;
        try {
            key = keys.findActiveByHash(hash);
        } catch (RuntimeException unavailable) {
            Caller known = lastKnown.get(hash);
            if (known == null) {
                throw new AuthenticationException("cannot check the key: the database is unavailable", unavailable);
            }
            if (staleAnswers.getAndIncrement() == 0) {
                LOG.warn("the database cannot be read ({}): keys are checked against the last ones seen valid until it answers",
                        unavailable.toString());
            }
            return Optional.of(known);
        }
        if (key.isEmpty()) {
            lastKnown.remove(hash);
            return Optional.empty();
        }
        try {
            keys.touch(key.get().id(), clock.instant());
        } catch (RuntimeException unrecorded) {
            // The last-used time is informational: it must not turn a valid key away.
            LOG.debug("could not record the use of key {}", key.get().name(), unrecorded);
        }
        Caller caller = new Caller(key.get().id(), key.get().name(), Role.parse(key.get().role()), key.get().tenant());
        lastKnown.put(hash, caller);
        return Optional.of(caller);
    }

    /** How many requests were let through on a key seen earlier because the database could not be read. */
    public long staleAnswers() {
        return staleAnswers.get();
    }
}
