package io.homeostat.service.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BackoffTest {
    @Test
    void delaysDoubleFromTheFirstUpToTheCap() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofMinutes(1));
        assertThat(List.of(backoff.delay(1), backoff.delay(2), backoff.delay(3), backoff.delay(4), backoff.delay(40)))
                .extracting(Duration::toMillis).containsExactly(100L, 200L, 400L, 500L, 500L);
    }

    @Test
    void aCallThatRecoversReturnsItsValueAfterTheFailuresItSawPass() throws Exception {
        Backoff backoff = new Backoff(Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofSeconds(5));
        AtomicInteger calls = new AtomicInteger();
        List<String> seen = new ArrayList<>();
        String result = backoff.call("mark running", () -> {
            if (calls.incrementAndGet() < 4) {
                throw new IllegalStateException("database down " + calls.get());
            }
            return "ok";
        }, e -> seen.add(e.getMessage()), () -> true);
        assertThat(result).isEqualTo("ok");
        assertThat(seen).containsExactly("database down 1", "database down 2", "database down 3");
    }

    @Test
    void itGivesUpAfterItsBoundOrWhenTheServiceStopsWithTheLastCause() {
        Backoff backoff = new Backoff(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(60));
        assertThatThrownBy(() -> backoff.call("write", () -> {
            throw new IllegalStateException("still down");
        }, e -> { }, () -> true)).isInstanceOfSatisfying(Backoff.GaveUp.class, gaveUp -> {
            assertThat(gaveUp.attempts()).isBetween(2, 12);
            assertThat(gaveUp.getMessage()).startsWith("write failed ").endsWith("gave up: still down");
        });
        assertThatThrownBy(() -> backoff.call("write", () -> {
            throw new IllegalStateException("down");
        }, e -> { }, () -> false)).isInstanceOfSatisfying(Backoff.GaveUp.class, gaveUp -> assertThat(gaveUp.attempts()).isEqualTo(1));
    }
}
