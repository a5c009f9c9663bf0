package io.homeostat.service.inbox;

import io.homeostat.service.engine.facts.Signal;
import java.util.List;

/**
 * Where signals and alert notifications from outside enter: this process's own {@link Inbox} (one
 * process, the default), or a Kafka topic that the replicas' engines consume by partition
 * ({@code intake.mode: kafka}). Intake, the Alertmanager receiver and the collectors hand over
 * through it and answer their callers by what it says.
 */
public interface Ingress {

    /**
     * Hands over a batch. True when accepted: queued for this engine, or acknowledged by every
     * in-sync replica of the broker. False when refused for lack of room now (nothing was queued).
     *
     * @throws Unavailable when the durable log did not acknowledge every signal in time: the caller
     *     must answer "not accepted, retry"; some signals may have been written (at-least-once)
     */
    boolean offerSignals(List<Signal> signals) throws Unavailable;

    /** Hands over one notification's alerts; as {@link #offerSignals}. */
    boolean offerAlerts(EngineInput.AlertNotice notice) throws Unavailable;

    /** The durable log behind this ingress did not acknowledge in time; the message says why, without secrets. */
    final class Unavailable extends Exception {
        private static final long serialVersionUID = 1L;

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
