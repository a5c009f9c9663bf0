package io.homeostat.service.engine.facts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A depends_on label is hostile input like any: bounded, blanks and self-references skipped. */
class DependencyTest {
    @Test
    void aLabelNamesAtMost32DependenciesAndSkipsBlanksItselfAndOverlongNames() {
        String many = String.join(",", java.util.stream.IntStream.range(0, 1_000).mapToObj(i -> "db:" + i).toList());
        assertThat(Dependency.fromLabel("default", "service:a", many)).hasSize(32);
        String odd = " db:main , ,service:a," + "x".repeat(600) + ",cache:main ";
        assertThat(Dependency.fromLabel("default", "service:a", odd)).extracting(Dependency::dependsOn)
                .containsExactly("db:main", "cache:main");
        assertThat(Dependency.fromLabel("default", "service:a", null)).isEmpty();
        assertThat(List.of(new Dependency("default", "a", "b", "config"))).extracting(Dependency::origin).containsExactly("config");
    }
}
