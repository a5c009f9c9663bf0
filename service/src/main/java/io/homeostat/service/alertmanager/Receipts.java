package io.homeostat.service.alertmanager;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.homeostat.service.model.AlertRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * What each alert's notifications already said, by (tenant, fingerprint): its start and whether it
 * resolved. Alertmanager in HA sends every notification from each replica, and retries resend
 * them; a state already heard is a duplicate, and so is a stale one (a replica's late "firing"
 * after another's "resolved" of the same start, or an older start). Bounded in entries and time;
 * filled from the store at start-up, so a notification resent after a restart is a duplicate too.
 */
public final class Receipts {
    /** The last state heard of one alert. */
    record Heard(Instant startsAt, boolean resolved) {
    }

    /** The outcome of {@link #claim}: fresh (to be processed; {@code before} is what to restore if it is not) or not. */
    record Claim(boolean fresh, String key, Heard heard, Heard before) {
    }

    private final Cache<String, Heard> heard;

    public Receipts(int maxAlerts, Duration window) {
        this.heard = Caffeine.newBuilder().maximumSize(maxAlerts).expireAfterWrite(window).build();
    }

    /** Fills the receipts from what the store kept (newest first is fine: the newest wins). */
    public void load(List<AlertRecord> alerts) {
        for (int i = alerts.size() - 1; i >= 0; i--) {
            AlertRecord alert = alerts.get(i);
            heard.put(key(alert.tenant(), alert.fingerprint()), new Heard(alert.startsAt(), !alert.firing()));
        }
    }

    /** Claims this state of the alert: fresh when it is news, and then it is recorded at once (a concurrent copy is a duplicate). */
    Claim claim(String tenant, String fingerprint, Instant startsAt, boolean resolved) {
        String key = key(tenant, fingerprint);
        Heard next = new Heard(startsAt, resolved);
        Heard[] before = new Heard[1];
        boolean[] fresh = new boolean[1];
        heard.asMap().compute(key, (k, old) -> {
            before[0] = old;
            if (old != null && (old.startsAt().isAfter(startsAt)
                    || old.startsAt().equals(startsAt) && (old.resolved() || !resolved))) {
                return old;
            }
            fresh[0] = true;
            return next;
        });
        return new Claim(fresh[0], key, next, before[0]);
    }

    /** Gives a fresh claim back (its notification was refused): a resend must not count as a duplicate. */
    void release(Claim claim) {
        heard.asMap().computeIfPresent(claim.key(), (k, current) -> current == claim.heard() ? claim.before() : current);
    }

    /** Alerts whose state is remembered now. */
    public long size() {
        heard.cleanUp();
        return heard.estimatedSize();
    }

    private static String key(String tenant, String fingerprint) {
        return tenant + "|" + fingerprint;
    }
}
