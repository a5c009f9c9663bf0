package io.homeostat.plugin.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class IssueReferenceTest {
    @Test
    void severityIsALowerCaseNameAsPromised() {
        assertThat(new IssueReference("i", "service_down", "high", "default").severity()).isEqualTo("high");
        assertThatThrownBy(() -> new IssueReference("i", "service_down", "", "default")).hasMessageContaining("lower-case severity");
        assertThatThrownBy(() -> new IssueReference("i", "service_down", "HIGH", "default")).hasMessageContaining("'HIGH'");
    }
}
