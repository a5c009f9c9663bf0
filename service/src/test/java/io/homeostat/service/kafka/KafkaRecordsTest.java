package io.homeostat.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dropwizard.jackson.Jackson;
import io.homeostat.service.engine.facts.RemediationOutcome;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.inbox.EngineInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What travels on the topic comes back as it was written; anything else is refused with the reason, never half read. */
class KafkaRecordsTest {
    private final KafkaRecords records = new KafkaRecords(Jackson.newObjectMapper());

    @Test
    void signalsAlertsAndReportsComeBackAsTheyWereWritten() throws IOException {
        Signal signal = new Signal("alpha", "host:web-1", "cpu.utilization", 93.5, 1_700_000_000_000L, "percent", "node-exporter",
                Map.of("zone", "eu-1"), 1);
        Signal read = ((KafkaRecords.DecodedSignal) records.decode(records.encode(signal), 42)).signal();
        assertThat(read.getTenant()).isEqualTo("alpha");
        assertThat(read.getResource()).isEqualTo("host:web-1");
        assertThat(read.getMetric()).isEqualTo("cpu.utilization");
        assertThat(read.getValue()).isEqualTo(93.5);
        assertThat(read.getTime()).isEqualTo(1_700_000_000_000L);
        assertThat(read.getUnit()).isEqualTo("percent");
        assertThat(read.getSource()).isEqualTo("node-exporter");
        assertThat(read.getLabels()).isEqualTo(Map.of("zone", "eu-1"));
        assertThat(read.getReceivedNanos()).as("received when read").isEqualTo(42);

        EngineInput.AlertState alert = new EngineInput.AlertState("alpha", "f1", "DiskFull", "host:web-1", "disk.full", "high", true,
                Instant.parse("2026-12-01T10:00:00Z"), null, Duration.ofSeconds(30), Map.of("a", "b"), Map.of("summary", "x"), "am");
        assertThat(((KafkaRecords.DecodedAlert) records.decode(records.encode(alert), 0)).alert()).isEqualTo(alert);

        RemediationOutcome outcome = RemediationOutcome.finished("d1", "i1", "alpha", "host:web-1", "process.restart", true, "ok", 5, true);
        assertThat(((KafkaRecords.DecodedOutcome) records.decode(records.encode(outcome), 0)).outcome()).isEqualTo(outcome);
    }

    @Test
    void whatIsNotARecordOfThisFormatIsRefusedWithTheReason() {
        assertThatThrownBy(() -> records.decode("not json".getBytes(StandardCharsets.UTF_8), 0)).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> records.decode(null, 0)).hasMessageContaining("no value");
        assertThatThrownBy(() -> records.decode("{\"v\":2,\"signal\":{}}".getBytes(StandardCharsets.UTF_8), 0))
                .hasMessageContaining("format version 2");
        assertThatThrownBy(() -> records.decode("{\"v\":1}".getBytes(StandardCharsets.UTF_8), 0)).hasMessageContaining("exactly one");
        assertThatThrownBy(() -> records.decode("{\"v\":1,\"signal\":{\"tenant\":\"a\"}}".getBytes(StandardCharsets.UTF_8), 0))
                .isInstanceOf(IOException.class).hasMessageContaining("not valid");
    }
}
