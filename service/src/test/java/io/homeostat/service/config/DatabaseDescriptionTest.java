package io.homeostat.service.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.db.DataSourceFactory;
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
}
