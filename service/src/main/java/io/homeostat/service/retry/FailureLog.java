package io.homeostat.service.retry;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/**
 * A known failure (a plugin's, the database's) logged once per cause: the first time with its stack trace, then one line each
 * time its count reaches a power of two ("again, 8 times so far"), so that a misconfigured plugin
 * called every few seconds does not bury the log under identical traces.
 */
public final class FailureLog {
    private final Logger log;
    private final Map<String, AtomicLong> seen = new ConcurrentHashMap<>();

    public FailureLog(Logger log) {
        this.log = log;
    }

    public void threw(String what, Throwable cause) {
        String key = what + "\u0000" + cause.getClass().getName() + "\u0000" + cause.getMessage();
        long count = seen.computeIfAbsent(key, k -> new AtomicLong()).incrementAndGet();
        if (count == 1) {
            log.warn("{} threw (further failures of the same cause are counted, not traced)", what, cause);
        } else if (Long.bitCount(count) == 1) {
            log.warn("{} threw {}: {} again, {} times so far", what, cause.getClass().getSimpleName(), cause.getMessage(), count);
        }
    }

    public long count(String what, Throwable cause) {
        AtomicLong count = seen.get(what + "\u0000" + cause.getClass().getName() + "\u0000" + cause.getMessage());
        return count == null ? 0 : count.get();
    }
}
