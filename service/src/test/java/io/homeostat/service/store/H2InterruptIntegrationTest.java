package io.homeostat.service.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.dropwizard.db.DataSourceFactory;
import io.homeostat.service.config.DatabaseDescription;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded database survives a thread interrupted while it writes, as the service's pools keep it
 * open: with H2's default file access the interrupt closes the file channel and every statement after it
 * fails ("The database has been closed") until a restart; the {@code async:} file system the shipped
 * config (and these tests) use does not. Both are run, so the test shows the difference it guards.
 */
class H2InterruptIntegrationTest {
    @TempDir
    Path directory;

    /** Interrupted writes on one connection while another keeps the database open; then a write on the other. */
    private static String writeInterrupted(String url) throws SQLException {
        Connection keep = DriverManager.getConnection(url, "sa", "");
        Connection writer = DriverManager.getConnection(url, "sa", "");
        try {
            try (Statement statement = keep.createStatement()) {
                statement.execute("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR(4000))");
            }
            for (int i = 0; i < 50; i++) {
                Thread.currentThread().interrupt();
                try (Statement statement = writer.createStatement()) {
                    statement.execute("INSERT INTO t VALUES (" + i + ", REPEAT('x', 3000))");
                } catch (SQLException e) {
                    // counted below: the rows that made it
                } finally {
                    Thread.interrupted();
                }
            }
            try (Statement statement = keep.createStatement()) {
                statement.execute("INSERT INTO t VALUES (1000, 'after')");
                try (ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM t")) {
                    rows.next();
                    return "usable, " + rows.getLong(1) + " rows";
                }
            } catch (SQLException e) {
                return "closed: " + e.getMessage();
            }
        } finally {
            closeQuietly(writer);
            closeQuietly(keep);
        }
    }

    /** A database H2 closed under it answers its connections' close with the error that closed it. */
    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // the comparison case: already closed
        }
    }

    @Test
    void anInterruptedWriterDoesNotCloseTheAsyncDatabase() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory.resolve("async"))) {
            assertThat(database.url()).startsWith("jdbc:h2:async:");
            assertThat(writeInterrupted(database.url())).isEqualTo("usable, 51 rows");
        }
        String plain = "jdbc:h2:" + directory.resolve("plain/homeostat").toAbsolutePath() + ";MODE=PostgreSQL;WRITE_DELAY=0";
        assertThat(writeInterrupted(plain)).as("H2's default file access, for comparison").startsWith("closed: The database has been closed");

        DataSourceFactory shipped = new DataSourceFactory();
        shipped.setUrl(plain);
        assertThat(DatabaseDescription.interruptWarning(shipped)).contains("jdbc:h2:async:");
        shipped.setUrl("jdbc:h2:async:" + directory.resolve("x") + ";MODE=PostgreSQL");
        assertThat(DatabaseDescription.interruptWarning(shipped)).isNull();
    }
}
