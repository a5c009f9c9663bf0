package io.homeostat.service.testing;

import io.homeostat.service.auth.KeyMaterial;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A fresh database for one test: an H2 file in a temp directory, or a new schema in the local
 * PostgreSQL (127.0.0.1:5432, database test, user postgres; override with the
 * homeostat.test.postgres.* system properties), dropped afterwards.
 */
public final class TestDatabase implements AutoCloseable {
    public enum Kind { H2, POSTGRES }

    private final Kind kind;
    private final String url;
    private final String user;
    private final String driver;
    private final String schema;
    /** The first admin key of a service on this database: the same across the restarts of one test. */
    private final String adminKey = KeyMaterial.generate();

    private TestDatabase(Kind kind, String url, String user, String driver, String schema) {
        this.kind = kind;
        this.url = url;
        this.user = user;
        this.driver = driver;
        this.schema = schema;
    }

    public static TestDatabase create(Kind kind, Path directory) throws SQLException {
        if (kind == Kind.H2) {
            return new TestDatabase(kind, "jdbc:h2:async:" + directory.resolve("homeostat").toAbsolutePath()
                    + ";MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0", "sa", "org.h2.Driver", null);
        }
        return postgres(System.getProperty("homeostat.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test"),
                System.getProperty("homeostat.test.postgres.user", "postgres"));
    }

    /** A new schema in the PostgreSQL at {@code base} (a {@link PrivatePostgres}, say), as user {@code user}. */
    public static TestDatabase postgres(String base, String user) throws SQLException {
        String schema = "hs_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        try (Connection connection = DriverManager.getConnection(base, user, "");
             Statement statement = connection.createStatement()) {
            statement.execute("CREATE SCHEMA " + schema);
        }
        return new TestDatabase(Kind.POSTGRES, base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema, user,
                "org.postgresql.Driver", schema);
    }

    public Kind kind() {
        return kind;
    }

    public String url() {
        return url;
    }

    public String user() {
        return user;
    }

    public String driver() {
        return driver;
    }

    public String adminKey() {
        return adminKey;
    }

    /** Applies the service's migrations, as start-up does. */
    public void migrate() throws Exception {
        io.dropwizard.db.DataSourceFactory factory = new io.dropwizard.db.DataSourceFactory();
        factory.setDriverClass(driver);
        factory.setUrl(url);
        factory.setUser(user);
        factory.setPassword("");
        io.homeostat.service.store.Migrations.apply(factory);
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url, user, "");
    }

    @Override
    public void close() throws SQLException {
        if (schema != null) {
            try (Connection connection = connect(); Statement statement = connection.createStatement()) {
                statement.execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }
}
