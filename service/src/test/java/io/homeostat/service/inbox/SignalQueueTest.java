package io.homeostat.service.inbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.engine.facts.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Signals of resources that moved to another engine leave the queue, and their room is given back. */
class SignalQueueTest {
    private static Signal signal(String resource) {
        return new Signal("alpha", resource, "cpu.utilization", 1, System.currentTimeMillis(), null, "test", Map.of(), System.nanoTime());
    }

    @Test
    void discardedSignalsLeaveTheQueueAndGiveTheirRoomBack() throws InterruptedException {
        SignalQueue queue = new SignalQueue(3);
        assertThat(queue.offerAll(List.of(signal("host:moved"), signal("host:kept"), signal("host:moved")))).isTrue();
        assertThat(queue.offerAll(List.of(signal("host:other")))).as("full").isFalse();

        assertThat(queue.discard(s -> s.getResource().equals("host:moved"))).isEqualTo(2);
        assertThat(queue.depth()).isEqualTo(1);
        assertThat(queue.offerAll(List.of(signal("host:a"), signal("host:b")))).as("their room is free again").isTrue();
        List<Signal> taken = new ArrayList<>();
        queue.take(taken, 10, 1, TimeUnit.SECONDS);
        assertThat(taken).extracting(Signal::getResource).containsExactly("host:kept", "host:a", "host:b");
    }
}
