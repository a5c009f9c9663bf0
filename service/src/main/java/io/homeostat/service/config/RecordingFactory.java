package io.homeostat.service.config;

import com.codahale.metrics.MetricRegistry;
import io.homeostat.service.recording.SignalRecorder;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.DataSize;
import io.dropwizard.util.Duration;
import io.dropwizard.validation.MinDuration;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.util.concurrent.TimeUnit;

/** {@code recording:} every evaluated signal kept on disk for backtests (`rules backtest`). */
public class RecordingFactory {
    @JsonProperty
    private boolean enabled = true;

    @NotBlank
    @JsonProperty
    private String directory = "data/signals";

    @MinDuration(value = 1, unit = TimeUnit.HOURS)
    @JsonProperty
    private Duration retention = Duration.days(7);

    /** The oldest hourly files go first when the recording grows past this. */
    @NotNull
    @JsonProperty
    private DataSize maxSize = DataSize.gibibytes(2);

    public boolean isEnabled() {
        return enabled;
    }

    public String getDirectory() {
        return directory;
    }

    @com.fasterxml.jackson.annotation.JsonIgnore // a view of the configured value, not a property
    public java.time.Duration retention() {
        return retention.toJavaDuration();
    }

    @com.fasterxml.jackson.annotation.JsonIgnore
    public long maxBytes() {
        return maxSize.toBytes();
    }

    /** The signal recorder, or empty when recording is off. */
    public java.util.Optional<SignalRecorder> build(MetricRegistry metrics, java.util.Optional<io.homeostat.service.retention.Archive> archive) {
        return enabled ? java.util.Optional.of(new SignalRecorder(java.nio.file.Path.of(directory), retention(), maxBytes(), metrics,
                archive.orElse(null))) : java.util.Optional.empty();
    }
}
