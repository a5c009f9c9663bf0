package io.homeostat.service.kafka;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.homeostat.service.engine.facts.RemediationOutcome;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.inbox.EngineInput;
import java.io.IOException;
import java.util.Map;
import java.util.Objects;

/**
 * The value of a record on the signals topic: JSON, one of a signal, an alert's next state, or an
 * attempt's report on its way to the engine that owns the resource. Versioned ({@code v}) so that a
 * replica of a later release can tell what it reads. The key is {@link Partitioning#key}.
 */
public final class KafkaRecords {
    /** The one format this release writes and reads. */
    static final int VERSION = 1;
    private final ObjectMapper json;

    public KafkaRecords(ObjectMapper json) {
        this.json = Objects.requireNonNull(json, "json");
    }

    /** A signal's fields as intake validated them. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record SignalValue(String tenant, String resource, String metric, double value, long time, String unit, String source,
                       Map<String, String> labels) {
    }

    /** What one record carries: exactly one of its parts. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Envelope(int v, SignalValue signal, EngineInput.AlertState alert, RemediationOutcome outcome, EngineInput.ApprovalAnswer approval,
                    EngineInput.ManualRun manualRun) {
        Envelope(int v, SignalValue signal, EngineInput.AlertState alert, RemediationOutcome outcome) {
            this(v, signal, alert, outcome, null, null);
        }
    }

    /** Whether an input about a resource can travel to the engine that owns it: attempt reports and operators' answers and runs. */
    public static boolean travels(EngineInput input) {
        return input instanceof EngineInput.AttemptReport || input instanceof EngineInput.ApprovalAnswer
                || input instanceof EngineInput.ManualRun;
    }

    /** What a record decoded to: a signal (received now), an alert, or an input about a resource (a report, an answer, a run). */
    public sealed interface Decoded {
    }

    public record DecodedInput(EngineInput input) implements Decoded {
    }

    public record DecodedSignal(Signal signal) implements Decoded {
    }

    public record DecodedAlert(EngineInput.AlertState alert) implements Decoded {
    }

    public record DecodedOutcome(RemediationOutcome outcome) implements Decoded {
    }

    public byte[] encode(Signal s) throws IOException {
        return json.writeValueAsBytes(new Envelope(VERSION, new SignalValue(s.getTenant(), s.getResource(), s.getMetric(), s.getValue(),
                s.getTime(), s.getUnit(), s.getSource(), s.getLabels()), null, null));
    }

    public byte[] encode(EngineInput.AlertState alert) throws IOException {
        return json.writeValueAsBytes(new Envelope(VERSION, null, alert, null));
    }

    public byte[] encode(RemediationOutcome outcome) throws IOException {
        return json.writeValueAsBytes(new Envelope(VERSION, null, null, outcome));
    }

    /** An input that {@link #travels}. */
    public byte[] encode(EngineInput input) throws IOException {
        if (input instanceof EngineInput.AttemptReport report) {
            return encode(report.outcome());
        } else if (input instanceof EngineInput.ApprovalAnswer answer) {
            return json.writeValueAsBytes(new Envelope(VERSION, null, null, null, answer, null));
        } else if (input instanceof EngineInput.ManualRun run) {
            return json.writeValueAsBytes(new Envelope(VERSION, null, null, null, null, run));
        }
        throw new IllegalArgumentException(input.getClass().getSimpleName() + " does not travel on the topic");
    }

    /**
     * Reads a record's value.
     *
     * @param receivedNanos when this replica took it (a signal's evaluation lag counts from then)
     * @throws IOException when it is not JSON of this format, of an unknown version, or holds no one part
     */
    public Decoded decode(byte[] value, long receivedNanos) throws IOException {
        if (value == null) {
            throw new IOException("the record has no value");
        }
        Envelope envelope = json.readValue(value, Envelope.class);
        if (envelope.v() != VERSION) {
            throw new IOException("format version " + envelope.v() + " is not " + VERSION + " (written by another release?)");
        }
        int parts = (envelope.signal() == null ? 0 : 1) + (envelope.alert() == null ? 0 : 1) + (envelope.outcome() == null ? 0 : 1)
                + (envelope.approval() == null ? 0 : 1) + (envelope.manualRun() == null ? 0 : 1);
        if (parts != 1) {
            throw new IOException("a record must carry exactly one of signal, alert, outcome, approval, manualRun; this one has " + parts);
        }
        try {
            if (envelope.signal() != null) {
                SignalValue s = envelope.signal();
                return new DecodedSignal(new Signal(s.tenant(), s.resource(), s.metric(), s.value(), s.time(), s.unit(), s.source(),
                        s.labels() == null ? Map.of() : s.labels(), receivedNanos));
            }
            if (envelope.approval() != null) {
                return new DecodedInput(envelope.approval());
            }
            if (envelope.manualRun() != null) {
                return new DecodedInput(envelope.manualRun());
            }
            return envelope.alert() != null ? new DecodedAlert(envelope.alert()) : new DecodedOutcome(envelope.outcome());
        } catch (RuntimeException e) {
            throw new IOException("the record's content is not valid: " + e.getMessage(), e);
        }
    }
}
