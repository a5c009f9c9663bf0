package io.homeostat.service.intake;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.homeostat.service.inbox.Ingress;
import io.homeostat.service.inbox.SignalQueue;
import io.homeostat.service.engine.facts.Signal;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads a signal batch ({@code {"signals":[...]}}) in one streaming pass, validates each signal, and
 * admits the good ones to the engine's queue, all of them or none: a caller either gets "accepted"
 * for every good signal or "queue full" and can resend the batch unchanged.
 */
public final class Intake {
    private final JsonFactory json;
    private final SignalParser parser;
    private final Ingress ingress;
    private final SignalQueue queue;
    private final Clock clock;
    private final int maxBatch;
    private final Meter accepted;
    private final Meter rejected;
    private final Meter refusedLagging;
    private final LagGate lag;
    private final LiveSignalGate live;
    private final Meter refusedFull;
    private final Meter refusedUnavailable;

    public Intake(JsonFactory json, SignalParser parser, Ingress ingress, SignalQueue queue, LagGate lag, LiveSignalGate live, Clock clock, int maxBatch,
                  MetricRegistry metrics) {
        this.json = Objects.requireNonNull(json, "json");
        this.parser = Objects.requireNonNull(parser, "parser");
        this.ingress = Objects.requireNonNull(ingress, "ingress");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxBatch = maxBatch;
        this.accepted = metrics.meter("homeostat.signals.accepted");
        this.rejected = metrics.meter("homeostat.signals.rejected");
        this.refusedLagging = metrics.meter("homeostat.signals.refused_lagging");
        this.lag = Objects.requireNonNull(lag, "lag");
        this.live = Objects.requireNonNull(live, "live");
        this.refusedFull = metrics.meter("homeostat.signals.refused_full");
        this.refusedUnavailable = metrics.meter("homeostat.signals.refused_unavailable");
    }

    /**
     * Reads, validates and queues one batch.
     *
     * @param atomic when true, one bad signal rejects the whole batch
     * @param keyTenant the sending key's tenant (every signal is of it), or null for an all-tenants key
     * @throws BadBatchException when the body is not a batch or holds too many signals (nothing queued)
     * @throws QueueFullException when the good signals do not fit in the queue (nothing queued)
     * @throws RefusedException when evaluation lags beyond its bound, or the engine holds as many live
     *     signals as its heap is sized for (nothing read or queued), or the Kafka broker did not
     *     acknowledge the batch in time (not accepted; a resend may deliver some signals twice)
     * @throws com.fasterxml.jackson.core.JsonParseException when the body is not well-formed JSON
     */
    public IntakeResult submit(InputStream body, boolean atomic, String keyTenant)
            throws IOException, BadBatchException, QueueFullException, RefusedException {
        admit();
        long receivedNanos = System.nanoTime();
        Instant now = clock.instant();
        List<Signal> good = new ArrayList<>();
        List<IntakeResult.Rejection> bad = new ArrayList<>();
        try (JsonParser stream = json.createParser(body)) {
            if (stream.nextToken() != JsonToken.START_OBJECT) {
                throw new BadBatchException(false, "the body must be a JSON object: {\"signals\": [ ... ]}");
            }
            boolean sawSignals = false;
            while (stream.nextToken() == JsonToken.FIELD_NAME) {
                String field = stream.currentName();
                JsonToken token = stream.nextToken();
                if (!field.equals("signals")) {
                    throw new BadBatchException(false, "unknown field '" + field + "' in the body; expected {\"signals\": [ ... ]}");
                }
                if (token != JsonToken.START_ARRAY) {
                    throw new BadBatchException(false, "'signals' must be an array: {\"signals\": [ ... ]}");
                }
                sawSignals = true;
                for (int index = 0; stream.nextToken() != JsonToken.END_ARRAY; index++) {
                    if (index == maxBatch) {
                        throw new BadBatchException(true, "a batch may hold at most " + maxBatch + " signals; this one has more: split it");
                    }
                    SignalParser.Parsed parsed = parser.parse(stream, now, receivedNanos, keyTenant);
                    if (parsed.isOk()) {
                        good.add(parsed.signal());
                    } else {
                        bad.add(new IntakeResult.Rejection(index, parsed.error()));
                    }
                }
            }
            if (!sawSignals) {
                throw new BadBatchException(false, "the body must have a 'signals' array: {\"signals\": [ ... ]}");
            }
            if (stream.nextToken() != null) {
                throw new BadBatchException(false, "unexpected content after the batch object");
            }
        }
        if (atomic && !bad.isEmpty()) {
            rejected.mark(good.size() + bad.size());
            return new IntakeResult(0, bad);
        }
        if (!good.isEmpty() && !offer(good)) {
            throw new QueueFullException(queue.isClosed() ? "the service is shutting down" :
                    "intake queue is full (" + queue.depth() + " of " + queue.capacity() + " signals waiting)");
        }
        accepted.mark(good.size());
        rejected.mark(bad.size());
        return new IntakeResult(good.size(), bad);
    }

    private boolean offer(List<Signal> good) throws RefusedException {
        try {
            return ingress.offerSignals(good);
        } catch (Ingress.Unavailable e) {
            refusedUnavailable.mark();
            throw new RefusedException(e.getMessage() + "; the batch was not accepted, retry it");
        }
    }

    /** Where accepted signals go: this engine's queue, or the Kafka topic. */
    public Ingress ingress() {
        return ingress;
    }

    /**
     * Whether the engine may be given more now: refused while evaluation lags beyond its bound, or
     * while the engine holds as many live signals as its heap is sized for. Every intake path
     * (signals, alert notifications) asks before it reads a body.
     */
    public void admit() throws RefusedException {
        java.util.Optional<java.time.Duration> behind = lag.exceeded();
        if (behind.isPresent()) {
            refusedLagging.mark();
            throw new RefusedException("evaluation is " + behind.get().toSeconds() + " s behind (bound " + lag.bound().toSeconds()
                    + " s); nothing was queued, retry the batch");
        }
        if (live.exceeded()) {
            refusedFull.mark();
            throw new RefusedException(live.describe() + "; nothing was queued, retry the batch once older signals have expired");
        }
    }

    /** The gate on evaluation lag, for its health check. */
    public LagGate lagGate() {
        return lag;
    }

    /** The gate on the live signals' heap budget, for its health check. */
    public LiveSignalGate liveGate() {
        return live;
    }

    /** The body is not a usable batch; nothing of it was queued. */
    public static final class BadBatchException extends Exception {
        private static final long serialVersionUID = 1L;
        private final boolean tooLarge;

        BadBatchException(boolean tooLarge, String message) {
            super(message);
            this.tooLarge = tooLarge;
        }

        /** True when the only problem is the number of signals. */
        public boolean isTooLarge() {
            return tooLarge;
        }
    }

    /** The queue cannot take the batch now; nothing of it was queued. */
    public static final class QueueFullException extends Exception {
        private static final long serialVersionUID = 1L;

        QueueFullException(String message) {
            super(message);
        }
    }

    /**
     * Refused for now, 503 with Retry-After; nothing was queued: evaluation lags beyond its bound (a
     * signal accepted now would be evaluated too late), or the engine's signals fill their heap budget.
     */
    public static final class RefusedException extends Exception {
        private static final long serialVersionUID = 1L;

        public RefusedException(String message) {
            super(message);
        }
    }
}
