package io.homeostat.service.cli;

import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import io.homeostat.service.HomeostatConfiguration;
import io.homeostat.service.model.RuleVersionRecord;
import io.homeostat.service.rules.RuleSet;
import io.homeostat.service.store.Store;
import java.nio.file.Path;
import java.util.Optional;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code rules rollback config.yml}: writes the previous accepted rule version (from the
 * database) back to the rules directory. A running service picks it up through its watcher;
 * a stopped one starts with it.
 */
public final class RulesCommand extends ConfiguredCommand<HomeostatConfiguration> {
    public RulesCommand() {
        super("rules", "Rule operations: rollback (write the previous accepted version back to the rules directory)");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("action").choices("rollback").help("what to do");
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<HomeostatConfiguration> bootstrap, Namespace namespace, HomeostatConfiguration configuration)
            throws Exception {
        Path directory = Path.of(configuration.getEngine().getRulesDirectory());
        ManagedDataSource dataSource = configuration.getDatabase().build(bootstrap.getMetricRegistry(), "rules-command");
        try {
            Store store = new Store(Jdbi.create(dataSource), bootstrap.getObjectMapper());
            Optional<RuleVersionRecord> previous = RuleSet.writePrevious(directory, store.ruleVersions());
            if (previous.isEmpty()) {
                throw new IllegalStateException("there is no earlier accepted rule version to return to");
            }
            System.out.println("wrote rule version " + previous.get().version().substring(0, 12) + " (" + previous.get().ruleCount()
                    + " rules, accepted " + previous.get().createdAt() + ", " + previous.get().cause() + ") to " + directory);
        } finally {
            dataSource.stop();
        }
    }
}
