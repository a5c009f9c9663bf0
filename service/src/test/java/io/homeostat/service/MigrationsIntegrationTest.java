package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** `db migrate` builds the same schema on H2 and PostgreSQL. */
class MigrationsIntegrationTest {
    @TempDir
    Path directory;

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void dbMigrateCreatesTheSchema(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory)) {
            Path config = directory.resolve("config.yml");
            new ObjectMapper(new YAMLFactory()).writeValue(config.toFile(), Map.of("database", Map.of(
                    "driverClass", database.driver(), "url", database.url(), "user", database.user(), "password", "")));

            new HomeostatApplication().run("db", "migrate", config.toString());

            try (Connection connection = database.connect()) {
                List<String> tables = new ArrayList<>();
                try (ResultSet rows = connection.getMetaData().getTables(null, null, "%", new String[] {"TABLE"})) {
                    while (rows.next()) {
                        tables.add(rows.getString("TABLE_NAME").toLowerCase(java.util.Locale.ROOT));
                    }
                }
                assertThat(tables).contains("issues", "decisions", "remediations", "databasechangelog");
            }
        }
    }
}
