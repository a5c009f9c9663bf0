package io.homeostat.service.intake;

import com.codahale.metrics.Meter;
import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.engine.SignalQueue;
import io.homeostat.service.engine.facts.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Validates signal batches and admits the good signals to the engine's queue, all of them or none:
 * a caller either gets "accepted" for every good signal or "queue full" and retries the batch.
 */
public final class Intake {
    private final SignalParser parser;
    private final SignalQueue queue;
    private final int maxBatch;
    private final Meter accepted;
    private final Meter rejected;

    public Intake(SignalParser parser, SignalQueue queue, int maxBatch, MetricRegistry metrics) {
        this.parser = Objects.requireNonNull(parser, "parser");
        this.queue = Objects.requireNonNull(queue, "queue");
        this.maxBatch = maxBatch;
        this.accepted = metrics.meter("homeostat.signals.accepted");
        this.rejected = metrics.meter("homeostat.signals.rejected");
    }

    public int maxBatch() {
        return maxBatch;
    }

    /**
     * @param atomic when true, one bad signal rejects the whole batch
     * @throws QueueFullException when the good signals do not fit in the queue (nothing was queued)
     */
    public IntakeResult submit(JsonNode signals, boolean atomic) throws QueueFullException {
        long receivedNanos = System.nanoTime();
        List<Signal> good = new ArrayList<>(signals.size());
        List<IntakeResult.Rejection> bad = new ArrayList<>();
        for (int i = 0; i < signals.size(); i++) {
            SignalParser.Parsed parsed = parser.parse(signals.get(i), receivedNanos);
            if (parsed.isOk()) {
                good.add(parsed.signal());
            } else {
                bad.add(new IntakeResult.Rejection(i, parsed.error()));
            }
        }
        if (atomic && !bad.isEmpty()) {
            rejected.mark(signals.size());
            return new IntakeResult(0, bad);
        }
        if (!good.isEmpty() && !queue.offerAll(good)) {
            throw new QueueFullException(queue.isClosed() ? "the service is shutting down" :
                    "intake queue is full (" + queue.depth() + " of " + queue.capacity() + " signals waiting)");
        }
        accepted.mark(good.size());
        rejected.mark(bad.size());
        return new IntakeResult(good.size(), bad);
    }

    /** The queue cannot take the batch now; nothing of it was queued. */
    public static final class QueueFullException extends Exception {
        private static final long serialVersionUID = 1L;

        public QueueFullException(String message) {
            super(message);
        }
    }
}
