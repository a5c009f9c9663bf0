package io.homeostat.service.cli;

import io.dropwizard.db.DataSourceFactory;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/**
 * One plain connection before a command builds its pool: a database another process holds (the
 * embedded H2 file while the service runs) is then one clear line instead of the pool's logged
 * trace.
 */
public final class DatabaseCheck {
    private DatabaseCheck() {
    }

    public static void ensureAvailable(DataSourceFactory database) throws SQLException {
        try {
            Class.forName(database.getDriverClass());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException("database.driverClass " + database.getDriverClass() + " is not on the class path");
        }
        try (Connection connection = DriverManager.getConnection(database.getUrl(), database.getUser(), database.getPassword())) {
            connection.isValid(5);
        }
    }
}
