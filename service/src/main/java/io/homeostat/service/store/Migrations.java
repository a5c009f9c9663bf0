package io.homeostat.service.store;

import com.codahale.metrics.MetricRegistry;
import io.dropwizard.db.DataSourceFactory;
import io.dropwizard.migrations.CloseableLiquibaseWithClassPathMigrationsFile;
import java.util.Map;
import liquibase.Scope;
import liquibase.ui.LoggerUIService;

/** Applies migrations.xml (the same changelog `db migrate` uses) to the configured database. */
public final class Migrations {
    private Migrations() {
    }

    /**
     * Uses a data source of its own: Dropwizard's CloseableLiquibase stops the data source it was
     * given when it closes, which must not be the pool the service goes on to use.
     */
    public static void apply(DataSourceFactory database) throws Exception {
        try (CloseableLiquibaseWithClassPathMigrationsFile liquibase = new CloseableLiquibaseWithClassPathMigrationsFile(
                database.build(new MetricRegistry(), "migrations"), "migrations.xml")) {
            // Liquibase prints its update summary to stdout; it belongs in the log (commands print one line).
            Scope.child(Map.of(Scope.Attr.ui.name(), new LoggerUIService(), "liquibase.command.showSummaryOutput", "LOG"),
                    () -> liquibase.update(""));
        }
    }
}
