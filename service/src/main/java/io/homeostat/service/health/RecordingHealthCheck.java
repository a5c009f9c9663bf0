package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import io.homeostat.service.recording.SignalRecorder;
import java.time.Duration;

/**
 * Unhealthy while the signal recording fails (a write failed within the last minute: a full disk,
 * an unwritable directory): backtests and the windows restored after a restart would miss what it
 * drops. The service keeps deciding meanwhile; every dropped signal is counted.
 */
public final class RecordingHealthCheck extends HealthCheck {
    private static final Duration RECENT = Duration.ofMinutes(1);
    private final SignalRecorder recorder;

    public RecordingHealthCheck(SignalRecorder recorder) {
        this.recorder = recorder;
    }

    @Override
    protected Result check() {
        SignalRecorder.Failure failure = recorder.lastFailure();
        ResultBuilder result = Result.builder().withDetail("dropped", recorder.droppedCount());
        if (failure != null && System.currentTimeMillis() - failure.atMillis() < RECENT.toMillis()) {
            return result.unhealthy().withDetail("cause", failure.cause())
                    .withMessage("recording is failing (" + failure.cause() + "); " + recorder.droppedCount() + " signals dropped since start")
                    .build();
        }
        return result.healthy().withMessage(recorder.droppedCount() + " signals dropped since start").build();
    }
}
