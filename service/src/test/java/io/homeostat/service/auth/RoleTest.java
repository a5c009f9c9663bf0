package io.homeostat.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RoleTest {
    @Test
    void viewerOperatorAdminIncludeEachOtherAndIngestStandsApart() {
        assertThat(Role.ADMIN.includes(Role.INGEST)).isTrue();
        assertThat(Role.ADMIN.includes(Role.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.VIEWER)).isTrue();
        assertThat(Role.OPERATOR.includes(Role.ADMIN)).isFalse();
        assertThat(Role.OPERATOR.includes(Role.INGEST)).isFalse();
        assertThat(Role.VIEWER.includes(Role.OPERATOR)).isFalse();
        assertThat(Role.INGEST.includes(Role.VIEWER)).isFalse();
        assertThat(Role.INGEST.includes(Role.INGEST)).isTrue();
    }

    @Test
    void parsesNamesAndListsTheValidOnes() {
        assertThat(Role.parse(Role.OPERATOR_NAME)).isEqualTo(Role.OPERATOR);
        assertThatThrownBy(() -> Role.parse("root")).hasMessage("unknown role 'root' (one of ingest, viewer, operator, admin)");
    }

    @Test
    void keysAreRandomWithAPrefixAndHashDeterministically() {
        String key = KeyMaterial.generate();
        assertThat(key).startsWith("hst_").hasSize(4 + 43).isNotEqualTo(KeyMaterial.generate());
        assertThat(KeyMaterial.hash(key)).hasSize(64).isEqualTo(KeyMaterial.hash(key)).isNotEqualTo(KeyMaterial.hash(key + "x"));
    }
}
