package io.homeostat.service.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.homeostat.service.store.Store;
import io.homeostat.service.testing.TestDatabase;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first key on an empty key table, on a real (H2) database: printed once, stored as a hash, never re-added. */
class AdminKeyBootstrapTest {
    @TempDir
    Path directory;

    private Store store(TestDatabase database) throws Exception {
        database.migrate();
        return new Store(Jdbi.create(database.url(), database.user(), ""), new ObjectMapper());
    }

    @Test
    void generatesPrintsOnceAndTheKeyAuthenticatesAsAnAllTenantsAdmin() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            Store store = store(database);
            ByteArrayOutputStream console = new ByteArrayOutputStream();
            AdminKeyBootstrap.Outcome first = AdminKeyBootstrap.ensure(store.keys(), "", new PrintStream(console, true, StandardCharsets.UTF_8),
                    Clock.systemUTC());
            assertThat(first).isEqualTo(AdminKeyBootstrap.Outcome.GENERATED_AND_PRINTED);
            Matcher printed = Pattern.compile("(hst_[A-Za-z0-9_-]{43})").matcher(console.toString(StandardCharsets.UTF_8));
            assertThat(printed.find()).isTrue();
            String key = printed.group(1);

            Caller caller = new KeyAuthenticator(store.keys(), Clock.systemUTC()).authenticate(key).orElseThrow();
            assertThat(caller.role()).isEqualTo(Role.ADMIN);
            assertThat(caller.allTenants()).isTrue();
            assertThat(caller.name()).isEqualTo("admin");
            assertThat(new KeyAuthenticator(store.keys(), Clock.systemUTC()).authenticate(key + "x")).isEmpty();
            // Only the hash is stored.
            try (var connection = database.connect(); var statement = connection.createStatement();
                 var rows = statement.executeQuery("SELECT * FROM api_keys")) {
                assertThat(rows.next()).isTrue();
                for (int column = 1; column <= rows.getMetaData().getColumnCount(); column++) {
                    assertThat(String.valueOf(rows.getObject(column))).doesNotContain(key.substring(4));
                }
                assertThat(rows.getString("key_hash")).isEqualTo(KeyMaterial.hash(key));
            }

            ByteArrayOutputStream again = new ByteArrayOutputStream();
            assertThat(AdminKeyBootstrap.ensure(store.keys(), KeyMaterial.generate(), new PrintStream(again, true, StandardCharsets.UTF_8),
                    Clock.systemUTC())).isEqualTo(AdminKeyBootstrap.Outcome.KEYS_PRESENT);
            assertThat(again.size()).isZero();
            assertThat(store.keys().count()).isEqualTo(1);
        }
    }

    @Test
    void takesASuppliedKeyAndRefusesAWeakOne() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            Store store = store(database);
            PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
            assertThatThrownBy(() -> AdminKeyBootstrap.ensure(store.keys(), "secret", quiet, Clock.systemUTC()))
                    .hasMessageContaining("HOMEOSTAT_ADMIN_KEY").hasMessageContaining("at least 24 characters");
            String supplied = "an-operator-chosen-key-0123456789";
            assertThat(AdminKeyBootstrap.ensure(store.keys(), supplied, quiet, Clock.systemUTC()))
                    .isEqualTo(AdminKeyBootstrap.Outcome.SUPPLIED_KEY_STORED);
            assertThat(new KeyAuthenticator(store.keys(), Clock.systemUTC()).authenticate(supplied)).isPresent();
        }
    }

    @Test
    void aKeySeenValidStillWorksWhileTheDatabaseCannotBeReadAndAnUnknownOneIsRefused() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            Store store = store(database);
            String known = "a-key-the-operator-chose-0123456789";
            AdminKeyBootstrap.ensure(store.keys(), known, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                    Clock.systemUTC());
            KeyAuthenticator authenticator = new KeyAuthenticator(store.keys(), Clock.systemUTC());
            assertThat(authenticator.authenticate(known)).isPresent();
            // The key table cannot be read: as in a database outage, every query fails.
            try (var connection = database.connect(); var statement = connection.createStatement()) {
                statement.execute("ALTER TABLE api_keys RENAME TO api_keys_away");
            }
            assertThat(authenticator.authenticate(known)).as("intake keeps working through the outage").isPresent();
            assertThat(authenticator.staleAnswers()).isEqualTo(1);
            assertThatThrownBy(() -> authenticator.authenticate("an-unknown-key-0123456789abcdef"))
                    .isInstanceOf(io.dropwizard.auth.AuthenticationException.class).hasMessageContaining("database is unavailable");
            try (var connection = database.connect(); var statement = connection.createStatement()) {
                statement.execute("ALTER TABLE api_keys_away RENAME TO api_keys");
            }
            assertThat(authenticator.authenticate("an-unknown-key-0123456789abcdef")).isEmpty();
        }
    }
}
