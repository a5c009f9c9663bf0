package io.homeostat.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.db.DataSourceFactory;
import io.homeostat.service.HomeostatConfiguration;
import org.junit.jupiter.api.Test;

class DatabaseDescriptionTest {
    @Test
    void namesTheDatabaseWithoutSecrets() {
        DataSourceFactory database = new DataSourceFactory();
        database.setUrl("jdbc:postgresql://ops:hunter2@db.example.com:5432/homeostat?ssl=true&password=hunter2&sslkey=/k");
        database.setUser("homeostat");
        assertThat(DatabaseDescription.describe(database))
                .isEqualTo("jdbc:postgresql://***@db.example.com:5432/homeostat?ssl=true&password=***&sslkey=*** as user homeostat")
                .doesNotContain("hunter2");
        database.setUrl("jdbc:h2:./data/homeostat;MODE=PostgreSQL");
        database.setUser("sa");
        assertThat(DatabaseDescription.describe(database)).isEqualTo("jdbc:h2:./data/homeostat;MODE=PostgreSQL as user sa");
    }

    @Test
    void warnsOfAnH2FileThatKeepsItsLastCommitsInMemory() {
        DataSourceFactory database = new DataSourceFactory();
        database.setUrl("jdbc:h2:./data/homeostat;MODE=PostgreSQL");
        assertThat(DatabaseDescription.durabilityWarning(database)).contains("WRITE_DELAY=0").contains("killed process");
        database.setUrl("jdbc:h2:./data/homeostat;MODE=PostgreSQL;write_delay=0");
        assertThat(DatabaseDescription.durabilityWarning(database)).isNull();
        database.setUrl(new HomeostatConfiguration().getDatabase().getUrl());
        assertThat(DatabaseDescription.durabilityWarning(database)).as("the built-in default is durable").isNull();
        database.setUrl("jdbc:postgresql://127.0.0.1:5432/homeostat");
        assertThat(DatabaseDescription.durabilityWarning(database)).isNull();
    }
}
