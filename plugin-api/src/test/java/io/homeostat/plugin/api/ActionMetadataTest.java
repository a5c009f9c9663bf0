package io.homeostat.plugin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ActionMetadataTest {
    @Test
    void rejectsOutOfRangeFigures() {
        assertThatThrownBy(() -> new ActionMetadata("x", RiskLevel.LOW, -1, false, Set.of(), 0.5))
                .hasMessageContaining("cost");
        assertThatThrownBy(() -> new ActionMetadata("x", RiskLevel.LOW, Double.NaN, false, Set.of(), 0.5))
                .hasMessageContaining("cost");
        assertThatThrownBy(() -> new ActionMetadata("x", RiskLevel.LOW, 1, false, Set.of(), 1.5))
                .hasMessageContaining("priorSuccessRate");
    }

    @Test
    void copiesCollectionsSoCallersCannotChangeThem() {
        Set<String> types = new HashSet<>(Set.of("service_down"));
        ActionMetadata metadata = new ActionMetadata("x", RiskLevel.MEDIUM, 1, true, types, 0.8);
        types.add("disk_full");
        assertThat(metadata.issueTypes()).containsExactly("service_down");

        ActionResult result = ActionResult.success("ok", Map.of("pid", "1"));
        assertThat(result.succeeded()).isTrue();
        assertThat(RiskLevel.HIGH.isAtLeast(RiskLevel.MEDIUM)).isTrue();
        assertThat(RiskLevel.LOW.isAtLeast(RiskLevel.MEDIUM)).isFalse();
    }
}
