package io.homeostat.service.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeostat.service.engine.facts.ActiveWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class WindowScheduleTest {
    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void opensAtEachCronMatchForItsDurationInItsTimeZone() {
        // Sundays 02:00 in Berlin (01:00 UTC in winter) for 2 hours, only for service=checkout.
        WindowSchedule window = new WindowSchedule("sunday", "freeze", "0 2 * * 0", Duration.ofHours(2),
                ZoneId.of("Europe/Berlin"), "service=checkout");
        assertThat(window.openAt(at("2026-11-22T00:59:00Z"))).isEmpty();
        ActiveWindow open = window.openAt(at("2026-11-22T01:00:00Z")).orElseThrow();
        assertThat(open.getKind()).isEqualTo("freeze");
        assertThat(open.getLabelKey()).isEqualTo("service");
        assertThat(open.getUntil()).isEqualTo(at("2026-11-22T03:00:00Z"));
        assertThat(window.openAt(at("2026-11-22T02:59:59Z"))).isPresent();
        assertThat(window.openAt(at("2026-11-22T03:00:00Z"))).isEmpty();
        assertThat(window.openAt(at("2026-11-23T01:30:00Z"))).as("Monday").isEmpty();
    }

    @Test
    void aBadCronExpressionOrLabelIsRejectedWithTheReason() {
        assertThatThrownBy(() -> new WindowSchedule("x", "maintenance", "every sunday", Duration.ofHours(1), ZoneId.of("UTC"), null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new WindowSchedule("x", "maintenance", "0 2 * * 0", Duration.ofHours(1), ZoneId.of("UTC"), "service"))
                .hasMessage("label must be key=value, was 'service'");
    }
}
