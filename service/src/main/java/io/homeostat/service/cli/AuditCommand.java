package io.homeostat.service.cli;

import io.homeostat.service.model.AuditRecord;
import io.homeostat.service.retention.Archive;
import java.nio.file.Path;
import java.util.List;

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
 * {@code audit verify config.yml}: recomputes the audit chain's hashes on the configured database, and in
 * the archive for the rows retention moved there, and prints how many rows hold, or names the first row
 * that does not follow (exit status 1).
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
            AuditStore audit = new Store(Jdbi.create(dataSource), bootstrap.getObjectMapper()).audit();
            AuditStore.Verification result = audit.verify();
            if (!result.valid()) {
                throw new IllegalStateException("the audit chain is broken at row " + result.firstBadSeq() + ": " + result.problem());
            }
            AuditStore.Base base = audit.base();
            if (base.seq() == 0) {
                System.out.println("the audit chain holds: " + result.rows() + " rows, every hash follows");
                return;
            }
            // Rows 1..base were archived by retention: they and the database's rows must make one chain.
            Archive archive = new Archive(Path.of(configuration.getRetention().getArchiveDirectory()), bootstrap.getObjectMapper(),
                    java.time.Clock.systemUTC());
            List<AuditRecord> archived = archive.read("audit", AuditRecord.class);
            if (archived.isEmpty()) {
                throw new IllegalStateException("rows 1 to " + base.seq() + " of the audit chain were archived, but " + archive.directory()
                        .resolve("audit") + " holds none of them; the " + result.rows() + " rows in the database follow on from row "
                        + base.seq() + " (point retention.archiveDirectory at the archive to check it all)");
            }
            AuditStore.Verification old = audit.verifyArchived(archived.iterator(), base);
            if (!old.valid()) {
                throw new IllegalStateException("the archived audit chain (" + archive.directory().resolve("audit") + ") is broken at row "
                        + old.firstBadSeq() + ": " + old.problem());
            }
            System.out.println("the audit chain holds: " + old.rows() + " archived rows (" + archive.directory().resolve("audit") + ") and "
                    + result.rows() + " rows in the database, every hash follows from the first");
        } finally {
            dataSource.stop();
        }
    }

    @Override
    public void onError(Cli cli, Namespace namespace, Throwable error) {
        CommandErrors.print(cli, error);
    }
}
