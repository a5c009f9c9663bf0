package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MaxDuration;
import io.dropwizard.validation.MinDuration;
import io.homeostat.service.retention.Archive;
import io.homeostat.service.retention.Foreground;
import io.homeostat.service.retention.RetentionJob;
import io.homeostat.service.store.Store;
import io.homeostat.service.telemetry.Telemetry;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * {@code retention:} how long each table keeps its rows, and where they are archived (gzip JSON lines)
 * before they are deleted. docs/OPERATIONS.md, Retention and archive.
 */
public class RetentionFactory {
    @JsonProperty
    private boolean enabled = true;

    @NotBlank
    @JsonProperty
    private String archiveDirectory = "data/archive";

    @MinDuration(value = 1, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration interval = Duration.hours(1);

    /** The first run waits this long after start-up, out of the way of the restore. */
    @MinDuration(value = 0, unit = TimeUnit.SECONDS)
    @MaxDuration(value = 1, unit = TimeUnit.DAYS)
    @JsonProperty
    private Duration firstRunAfter = Duration.minutes(5);

    /** Rows per batch: each is archived, then deleted in one short transaction. */
    @Min(1)
    @Max(50_000)
    @JsonProperty
    private int batchSize = 1_000;

    /** A pause after each batch, so that the outbox writer and the API go between them. */
    @MinDuration(value = 0, unit = TimeUnit.MILLISECONDS)
    @MaxDuration(value = 10, unit = TimeUnit.SECONDS)
    @JsonProperty
    private Duration pause = Duration.milliseconds(20);

    @Valid
    @NotNull
    @JsonProperty
    private MaxAge maxAge = new MaxAge();

    /** Each table's age past which its rows are archived and deleted (the recorded signals: {@code recording.retention}). */
    public static class MaxAge {
        @MinDuration(value = 1, unit = TimeUnit.SECONDS)
        @JsonProperty
        private Duration issues = Duration.days(30);

        @MinDuration(value = 1, unit = TimeUnit.SECONDS)
        @JsonProperty
        private Duration decisions = Duration.days(30);

        @MinDuration(value = 1, unit = TimeUnit.SECONDS)
        @JsonProperty
        private Duration remediations = Duration.days(30);

        @MinDuration(value = 1, unit = TimeUnit.SECONDS)
        @JsonProperty
        private Duration healthHistory = Duration.days(30);

        @MinDuration(value = 1, unit = TimeUnit.SECONDS)
        @JsonProperty
        private Duration audit = Duration.days(30);

        RetentionJob.Ages ages() {
            return new RetentionJob.Ages(issues.toJavaDuration(), decisions.toJavaDuration(), remediations.toJavaDuration(),
                    healthHistory.toJavaDuration(), audit.toJavaDuration());
        }
    }

    public boolean isEnabled() {
        return enabled;
    }

    public String getArchiveDirectory() {
        return archiveDirectory;
    }

    /** The archive, when retention is on: the signal recording archives its hourly files there too. */
    public Optional<Archive> buildArchive(ObjectMapper mapper) {
        return enabled ? Optional.of(new Archive(Path.of(archiveDirectory), mapper, Clock.systemUTC())) : Optional.empty();
    }

    public RetentionJob build(Store store, Archive archive, Foreground foreground, Telemetry telemetry, java.util.function.BooleanSupplier leads) {
        return new RetentionJob(store, archive, foreground, new RetentionJob.Settings(maxAge.ages(), interval.toJavaDuration(), firstRunAfter.toJavaDuration(),
                batchSize, pause.toJavaDuration()), telemetry, Clock.systemUTC(), leads);
    }
}
