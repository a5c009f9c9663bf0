package io.homeostat.service.intake;

import io.homeostat.service.inbox.SignalQueue;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Refuses new signals while evaluation lags beyond a bound: a 202 promises that the signal will be
 * evaluated soon enough to matter, which a stuck or overloaded engine cannot keep. Logs once when
 * the lag crosses the bound and once when it is back under it.
 */
public final class LagGate {
    private static final Logger LOG = LoggerFactory.getLogger(LagGate.class);

    private final SignalQueue queue;
    private final Duration bound;
    private final AtomicBoolean behind = new AtomicBoolean();

    public LagGate(SignalQueue queue, Duration bound) {
        this.queue = Objects.requireNonNull(queue, "queue");
        this.bound = Objects.requireNonNull(bound, "bound");
    }

    public Duration bound() {
        return bound;
    }

    public Duration lag() {
        return queue.lag();
    }

    /** The current lag when it is beyond the bound (intake refuses), empty when intake may accept. */
    public Optional<Duration> exceeded() {
        Duration lag = queue.lag();
        boolean over = lag.compareTo(bound) > 0;
        if (behind.compareAndSet(!over, over)) {
            if (over) {
                LOG.warn("evaluation lag {} s is beyond the bound of {} s: intake answers 503 until the engine catches up",
                        String.format(java.util.Locale.ROOT, "%.1f", lag.toMillis() / 1000.0), bound.toSeconds());
            } else {
                LOG.info("evaluation lag is back under {} s ({} ms): intake accepts signals again", bound.toSeconds(), lag.toMillis());
            }
        }
        return over ? Optional.of(lag) : Optional.empty();
    }
}
