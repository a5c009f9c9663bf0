package io.homeostat.service.config;

import com.codahale.metrics.MetricRegistry;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDataSize;
import io.homeostat.service.outbox.Outbox;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;

/** {@code outbox:} where the engine's outputs wait for the database, and how much of them may. */
public class OutboxFactory {
    @NotBlank
    @JsonProperty
    private String directory = "data/outbox";

    /**
     * Unapplied outputs held at most (on disk, and in memory until applied): past it the engine waits
     * for the database, its lag grows and intake refuses with 503. 32 MiB holds some 6,000 new issues
     * (measured: 5.6 KB for an issue with its decision and two strategies).
     */
    @NotNull
    @MinDataSize(1)
    @JsonProperty
    private DataSize maxSize = DataSize.mebibytes(32);

    /** How long a stop waits for the database to take what is left; the rest is applied at the next start. */
    @NotNull
    @JsonProperty
    private Duration drainTimeout = Duration.seconds(30);

    public Outbox build(Outbox.Sink sink, ObjectMapper json, MetricRegistry metrics) {
        return new Outbox(Path.of(directory), maxSize.toBytes(), drainTimeout.toJavaDuration(), json, sink, metrics);
    }
}
