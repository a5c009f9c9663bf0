package io.homeostat.service.cli;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import io.homeostat.service.HomeostatConfiguration;
import io.homeostat.service.store.AuditStore;
import io.homeostat.service.store.Store;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code audit verify config.yml}: recomputes the audit chain's hashes on the configured database
 * and prints how many rows hold, or names the first row that does not follow (exit status 1).
 */
public final class AuditCommand extends ConfiguredCommand<HomeostatConfiguration> {
    public AuditCommand() {
        super("audit", "The audit chain: verify (recompute every hash and name the first row that does not follow)");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("action").choices("verify").help("what to do");
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<HomeostatConfiguration> bootstrap, Namespace namespace, HomeostatConfiguration configuration)
            throws Exception {
        DatabaseCheck.ensureAvailable(configuration.getDatabase());
        ManagedDataSource dataSource = configuration.getDatabase().build(bootstrap.getMetricRegistry(), "audit-command");
        try {
            AuditStore.Verification result = new Store(Jdbi.create(dataSource), bootstrap.getObjectMapper()).audit().verify();
            if (!result.valid()) {
                throw new IllegalStateException("the audit chain is broken at row " + result.firstBadSeq() + ": " + result.problem());
            }
            System.out.println("the audit chain holds: " + result.rows() + " rows, every hash follows");
        } finally {
            dataSource.stop();
        }
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable error) {
        CommandErrors.print(cli, error);
    }
}
