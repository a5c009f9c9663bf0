package io.homeostat.service;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.core.Configuration;
import io.dropwizard.db.DataSourceFactory;
import io.homeostat.service.config.AlertmanagerFactory;
import io.homeostat.service.config.AuthFactory;
import io.homeostat.service.config.CollectorsFactory;
import io.homeostat.service.config.EngineFactory;
import io.homeostat.service.config.ExecutionFactory;
import io.homeostat.service.config.IntakeFactory;
import io.homeostat.service.config.PluginsFactory;
import io.homeostat.service.config.RetentionFactory;
import io.homeostat.service.config.PolicyFactory;
import io.homeostat.service.config.OutboxFactory;
import io.homeostat.service.config.ClusterFactory;
import io.homeostat.service.config.RecordingFactory;
import io.homeostat.service.config.TenantFactory;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.intake.Names;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import java.util.LinkedHashMap;
import java.util.Map;

/** The whole configuration (config.yml); every section has working defaults. */
public class HomeostatConfiguration extends Configuration {
    /**
     * Defaults to the embedded H2 file database under ./data, in PostgreSQL mode. Not with
     * DATABASE_TO_LOWER: Liquibase then fails to find its own changelog table on the second start
     * (liquibase/liquibase#7436; found by RestartIntegrationTest).
     */
    @Valid
    @NotNull
    @JsonProperty
    private DataSourceFactory database = embeddedDatabase();

    /** Apply pending schema migrations at start-up (the embedded default); false means run `db migrate` yourself. */
    @JsonProperty
    private boolean migrateOnStart = true;

    @Valid
    @NotNull
    @JsonProperty
    private EngineFactory engine = new EngineFactory();

    @Valid
    @NotNull
    @JsonProperty
    private IntakeFactory intake = new IntakeFactory();

    @Valid
    @NotNull
    @JsonProperty
    private PolicyFactory policy = new PolicyFactory();

    @Valid
    @NotNull
    @JsonProperty
    private PluginsFactory plugins = new PluginsFactory();

    @Valid
    @NotNull
    @JsonProperty
    private io.homeostat.service.config.HealthScoreFactory healthScore = new io.homeostat.service.config.HealthScoreFactory();

    public io.homeostat.service.config.HealthScoreFactory getHealthScore() {
        return healthScore;
    }

    /** What resources depend on (root cause by dependency). */
    @Valid
    @NotNull
    @JsonProperty
    private java.util.List<io.homeostat.service.config.ResourceFactory> resources = java.util.List.of();

    @Valid
    @NotNull
    @JsonProperty
    private ExecutionFactory execution = new ExecutionFactory();

    @Valid
    @NotNull
    @JsonProperty
    private RecordingFactory recording = new RecordingFactory();

    @Valid
    @NotNull
    @JsonProperty
    private RetentionFactory retention = new RetentionFactory();

    public RetentionFactory getRetention() {
        return retention;
    }

    @Valid
    @NotNull
    @JsonProperty
    private OutboxFactory outbox = new OutboxFactory();

    @Valid
    @NotNull
    @JsonProperty
    private ClusterFactory cluster = new ClusterFactory();

    public ClusterFactory getCluster() {
        return cluster;
    }

    @Valid
    @NotNull
    @JsonProperty
    private AuthFactory auth = new AuthFactory();

    @Valid
    @NotNull
    @JsonProperty
    private AlertmanagerFactory alertmanager = new AlertmanagerFactory();

    @Valid
    @NotNull
    @JsonProperty
    private CollectorsFactory collectors = new CollectorsFactory();

    /** Per-tenant overrides of the policy (rate, approval risk, dry-run, auto-remediation default, allowed actions). */
    @Valid
    @NotNull
    @JsonProperty
    private Map<String, TenantFactory> tenants = new LinkedHashMap<>();

    /** The policy the rules read: {@code policy:} with each tenant's overrides; a bad tenant name fails start-up. */
    public PolicySettings buildPolicy() {
        PolicySettings.Builder builder = policy.build().toBuilder();
        tenants.forEach((name, tenant) -> {
            if (!Names.isTenant(name)) {
                throw new IllegalArgumentException("tenants." + name + ": a tenant is lower-case letters, digits, '_' or '-', "
                        + "at most 64 characters");
            }
            builder.tenant(tenant.build(name));
        });
        return builder.build();
    }

    public Map<String, TenantFactory> getTenants() {
        return tenants;
    }

    public AuthFactory getAuth() {
        return auth;
    }

    public CollectorsFactory getCollectors() {
        return collectors;
    }

    public AlertmanagerFactory getAlertmanager() {
        return alertmanager;
    }

    public OutboxFactory getOutbox() {
        return outbox;
    }

    public RecordingFactory getRecording() {
        return recording;
    }

    static DataSourceFactory embeddedDatabase() {
        DataSourceFactory database = new DataSourceFactory();
        database.setDriverClass("org.h2.Driver");
        database.setUrl("jdbc:h2:async:./data/homeostat;MODE=PostgreSQL;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0");
        database.setUser("sa");
        database.setPassword("");
        return database;
    }

    public DataSourceFactory getDatabase() {
        return database;
    }

    public boolean isMigrateOnStart() {
        return migrateOnStart;
    }

    public EngineFactory getEngine() {
        return engine;
    }

    public IntakeFactory getIntake() {
        return intake;
    }

    public PolicyFactory getPolicy() {
        return policy;
    }

    public PluginsFactory getPlugins() {
        return plugins;
    }

    public ExecutionFactory getExecution() {
        return execution;
    }

    /** Every dependency {@code resources:} declares. */
    public java.util.List<io.homeostat.service.engine.facts.Dependency> dependencies() {
        return resources.stream().flatMap(resource -> resource.dependencies().stream()).toList();
    }
}
