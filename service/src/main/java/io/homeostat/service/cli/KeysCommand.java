package io.homeostat.service.cli;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.db.ManagedDataSource;
import io.homeostat.service.HomeostatConfiguration;
import io.homeostat.service.auth.ApiKeys;
import io.homeostat.service.model.ApiKeyRecord;
import io.homeostat.service.store.Migrations;
import io.homeostat.service.store.Store;
import java.time.Clock;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code keys create --name N --role R [--tenant T] config.yml} prints a new key once;
 * {@code keys list config.yml} lists keys (never the keys themselves);
 * {@code keys revoke --key NAME_OR_ID config.yml}. Works on the configured database directly, so
 * it is also the way back in when every admin key is lost. A running service notices a key
 * revoked here within {@code auth.cacheFor}.
 */
public final class KeysCommand extends ConfiguredCommand<HomeostatConfiguration> {
    public KeysCommand() {
        super("keys", "API keys: create (prints the key once), list, revoke");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("action").choices("create", "list", "revoke").help("what to do");
        subparser.addArgument("--name").dest("name").help("create: the key's name (who acted, in the audit)");
        subparser.addArgument("--role").dest("role").help("create: ingest, viewer, operator or admin");
        subparser.addArgument("--tenant").dest("tenant").help("create: the key's tenant (required except for admin keys)");
        subparser.addArgument("--key").dest("key").help("revoke: the key's name or id");
        subparser.addArgument("--all").dest("all").action(net.sourceforge.argparse4j.impl.Arguments.storeTrue())
                .help("list: include revoked keys");
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<HomeostatConfiguration> bootstrap, Namespace namespace, HomeostatConfiguration configuration)
            throws Exception {
        ManagedDataSource dataSource = configuration.getDatabase().build(bootstrap.getMetricRegistry(), "keys-command");
        try {
            if (configuration.isMigrateOnStart()) {
                Migrations.apply(configuration.getDatabase());
            }
            Store store = new Store(Jdbi.create(dataSource), bootstrap.getObjectMapper());
            ApiKeys keys = new ApiKeys(store.keys(), Clock.systemUTC());
            switch (namespace.getString("action")) {
                case "create" -> {
                    ApiKeys.Created created = keys.create(required(namespace, "name"), required(namespace, "role"),
                            namespace.getString("tenant"), null);
                    System.out.println(describe(created.record()));
                    System.out.println(created.key());
                    System.err.println("(the key above is shown this once; it is stored only as a hash)");
                }
                case "list" -> {
                    for (ApiKeyRecord key : store.keys().list(null, Boolean.TRUE.equals(namespace.getBoolean("all")), 500, 0).items()) {
                        System.out.println(describe(key));
                    }
                }
                case "revoke" -> {
                    String name = required(namespace, "key");
                    ApiKeyRecord key = keys.find(name, null)
                            .orElseThrow(() -> new IllegalArgumentException("no key with name or id '" + name + "'"));
                    if (!keys.revoke(key.id(), null).orElse(false)) {
                        throw new IllegalArgumentException("key '" + name + "' is already revoked");
                    }
                    System.out.println("revoked " + key.name() + " (" + key.id() + ")");
                }
                default -> throw new IllegalArgumentException("unknown action");
            }
        } finally {
            dataSource.stop();
        }
    }

    private static String required(Namespace namespace, String option) {
        String value = namespace.getString(option);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("--" + option + " is required for keys " + namespace.getString("action"));
        }
        return value;
    }

    private static String describe(ApiKeyRecord key) {
        return key.name() + "\t" + key.role() + "\t" + (key.tenant() == null ? "(all tenants)" : key.tenant()) + "\tid " + key.id()
                + "\tcreated " + key.createdAt() + " by " + key.createdBy()
                + (key.lastUsedAt() == null ? "\tnever used" : "\tlast used " + key.lastUsedAt())
                + (key.revoked() ? "\tREVOKED " + key.revokedAt() + " by " + key.revokedBy() : "");
    }

    /** An operator's mistake is one line, not a stack trace. */
    @Override
    public void onError(Cli cli, Namespace namespace, Throwable error) {
        CommandErrors.print(cli, error);
    }
}
