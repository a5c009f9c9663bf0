package io.homeostat.service.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A record's offset is committed only once it was evaluated and the store applied what that produced, in offset order. */
class OffsetsTest {

    @Test
    void anOffsetIsCommittableOnlyOnceItsRecordWasEvaluatedAndItsOutputsAreInTheStore() {
        Offsets offsets = new Offsets();
        Object first = new Object();
        Object second = new Object();
        Object third = new Object();
        offsets.handed(0, 10, first);
        offsets.handed(0, 11, second);
        offsets.handed(1, 5, third);

        assertThat(offsets.committable(100)).as("nothing evaluated yet").isEmpty();
        offsets.evaluated(second, 7);
        assertThat(offsets.committable(100)).as("the first record of the partition still waits").isEmpty();
        offsets.evaluated(first, 8);
        assertThat(offsets.committable(7)).as("its outputs (entry 8) are not in the store yet").isEmpty();
        assertThat(offsets.committable(8)).isEqualTo(Map.of(0, 12L));
        assertThat(offsets.committable(8)).as("committed once").isEmpty();
        offsets.evaluated(third, 9);
        assertThat(offsets.committable(9)).isEqualTo(Map.of(1, 6L));
        assertThat(offsets.pending()).isZero();
    }

    @Test
    void anUnreadableRecordIsCommittedWithTheOthersAndRevokedPartitionsAreForgotten() {
        Offsets offsets = new Offsets();
        Object signal = new Object();
        offsets.skipped(0, 0);
        offsets.handed(0, 1, signal);
        offsets.handed(1, 0, new Object());
        assertThat(offsets.committable(0)).isEqualTo(Map.of(0, 1L));
        assertThat(offsets.settled(List.of(0))).isFalse();
        offsets.evaluated(signal, 3);
        assertThat(offsets.committable(3)).isEqualTo(Map.of(0, 2L));
        assertThat(offsets.settled(List.of(0))).isTrue();
        assertThat(offsets.forget(List.of(1))).as("handed and not committed: read again by the next owner").isEqualTo(1);
        assertThat(offsets.pending()).isZero();
        assertThat(offsets.settled(List.of(0, 1))).isTrue();
    }
}
