package io.homeostat.service;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.dropwizard.auth.AuthValueFactoryProvider;
import io.dropwizard.auth.CachingAuthenticator;
import io.dropwizard.auth.oauth.OAuthCredentialAuthFilter;
import io.homeostat.service.alertmanager.AlertIntake;
import io.homeostat.service.alertmanager.AlertRetention;
import io.homeostat.service.auth.AdminKeyBootstrap;
import io.homeostat.service.collection.CollectorScheduler;
import io.homeostat.service.health.CollectorsHealthCheck;
import io.homeostat.service.health.ExecutorHealthCheck;
import io.homeostat.service.auth.ApiKeys;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.JsonUnauthorizedHandler;
import io.homeostat.service.auth.KeyAuthenticator;
import io.homeostat.service.auth.RoleAuthorizer;
import io.homeostat.service.cli.AuditCommand;
import io.homeostat.service.cli.DemoCommand;
import io.homeostat.service.cli.CommandErrors;
import io.homeostat.service.cli.DatabaseCheck;
import io.homeostat.service.cli.KeysCommand;
import io.homeostat.service.cli.PortCheck;
import io.homeostat.service.resources.BodyLimitFilter;
import io.homeostat.service.resources.ForbiddenMapper;
import io.homeostat.service.resources.KeysResource;
import org.glassfish.jersey.server.filter.RolesAllowedDynamicFeature;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.core.Application;
import io.dropwizard.core.cli.CheckCommand;
import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ServerCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.dropwizard.core.setup.Environment;
import io.dropwizard.jdbi3.JdbiFactory;
import io.dropwizard.lifecycle.Managed;
import io.dropwizard.migrations.DbCommand;
import io.homeostat.service.cli.PluginsCommand;
import io.homeostat.service.cli.RulesCommand;
import io.homeostat.service.config.DatabaseDescription;
import io.homeostat.service.config.StrictConfigurationFactoryFactory;
import io.homeostat.service.dashboard.DashboardServlet;
import io.homeostat.service.engine.Engine;
import io.homeostat.service.engine.RuleBase;
import io.homeostat.service.engine.RuleBaseCompiler;
import io.homeostat.service.engine.RuleCompilationException;
import io.homeostat.service.inbox.Inbox;
import io.homeostat.service.recording.SignalRecorder;
import java.util.Optional;
import java.util.function.ObjLongConsumer;
import io.homeostat.service.cluster.Cluster;
import io.homeostat.service.cluster.Leadership;
import io.homeostat.service.cluster.OrphanSweep;
import io.homeostat.service.config.ExecutionFactory;
import io.homeostat.service.engine.facts.PolicySettings;
import io.homeostat.service.engine.facts.Signal;
import io.homeostat.service.execution.DecisionDispatcher;
import io.homeostat.service.outbox.Outbox;
import io.homeostat.service.execution.EscalationNotifier;
import io.homeostat.service.execution.RemediationExecutor;
import io.homeostat.service.health.EngineThreadHealthCheck;
import io.homeostat.service.health.OutboxHealthCheck;
import io.homeostat.service.health.EvaluationLagHealthCheck;
import io.homeostat.service.health.ProbeServlet;
import io.homeostat.service.health.IntakeHealthCheck;
import io.homeostat.service.health.RecordingHealthCheck;
import io.homeostat.service.health.PluginsHealthCheck;
import io.homeostat.service.health.RuleBaseHealthCheck;
import io.homeostat.service.intake.Intake;
import io.homeostat.service.plugins.PluginRegistry;
import io.homeostat.service.recording.SignalJournal;
import io.homeostat.service.recovery.StartupState;
import io.homeostat.service.resources.AlertmanagerResource;
import io.homeostat.service.healthscore.HealthScorer;
import io.homeostat.service.resources.AlertsResource;
import io.homeostat.service.resources.HealthScoreResource;
import io.homeostat.service.resources.ApprovalsResource;
import io.homeostat.service.resources.AuditResource;
import io.homeostat.service.resources.AutoRemediationResource;
import io.homeostat.service.resources.AutonomyResource;
import io.homeostat.service.resources.DecisionsResource;
import io.homeostat.service.resources.DeferredResource;
import io.homeostat.service.resources.MeResource;
import io.homeostat.service.resources.ManualRemediationResource;
import io.homeostat.service.resources.PluginsResource;
import io.homeostat.service.resources.RulesResource;
import io.homeostat.service.resources.StatisticsResource;
import io.homeostat.service.resources.TenantsResource;
import io.homeostat.service.rules.RuleSet;
import io.homeostat.service.rules.StartupRules;
import io.homeostat.service.tasks.AutoRemediationTask;
import io.homeostat.service.tasks.MaintenanceTask;
import io.homeostat.service.tasks.ReloadPluginsTask;
import io.homeostat.service.tasks.ReloadRulesTask;
import io.homeostat.service.tasks.ReloadConfigTask;
import io.homeostat.service.config.ConfigReload;
import io.dropwizard.configuration.ConfigurationSourceProvider;
import java.util.concurrent.atomic.AtomicReference;
import io.homeostat.service.tasks.RetentionTask;
import io.homeostat.service.retention.Archive;
import io.homeostat.service.retention.RetentionJob;
import io.homeostat.service.health.RetentionHealthCheck;
import io.homeostat.service.watch.DirectoryWatcher;
import io.homeostat.service.resources.IssuesResource;
import io.homeostat.service.resources.JsonErrorHandler;
import io.homeostat.service.resources.JsonMappingMapper;
import io.homeostat.service.resources.OpenApiResource;
import io.homeostat.service.resources.ParamExceptionMapper;
import io.homeostat.service.resources.QueryCheckFilter;
import io.homeostat.service.resources.MalformedJsonMapper;
import io.homeostat.service.resources.RemediationsResource;
import io.homeostat.service.resources.SignalsResource;
import io.homeostat.service.store.BaselineCheckpoints;
import io.homeostat.service.store.Migrations;
import io.homeostat.service.store.Store;
import io.prometheus.metrics.exporter.servlet.jakarta.PrometheusMetricsServlet;
import io.prometheus.metrics.instrumentation.dropwizard.DropwizardExports;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.homeostat.service.telemetry.Telemetry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import net.sourceforge.argparse4j.inf.Namespace;
import org.jdbi.v3.core.Jdbi;

/**
 * Homeostat: signals in, Drools rules decide, PF4J plugins act. Everything is wired here, by
 * constructor, in the order data flows: rules, store, plugins, executor, engine, intake, API.
 */
public class HomeostatApplication extends Application<HomeostatConfiguration> {
    private static final Logger LOG = LoggerFactory.getLogger(HomeostatApplication.class);

    public static void main(String[] args) throws Exception {
        new HomeostatApplication().run(args);
    }

    private Bootstrap<HomeostatConfiguration> bootstrap;
    private volatile String configurationPath;

    @Override
    public String getName() {
        return "homeostat";
    }

    @Override
    public void initialize(Bootstrap<HomeostatConfiguration> bootstrap) {
        // Times in the API are ISO-8601 strings, not epoch numbers.
        bootstrap.getObjectMapper().disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        // {"by":"a","by":"b"}: refuse it (400) instead of letting the last one win or failing with 500.
        bootstrap.getObjectMapper().getFactory().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        // An unknown field in a request body is usually a typo that would silently be ignored: 400 naming it.
        bootstrap.getObjectMapper().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        bootstrap.setConfigurationFactoryFactory(new StrictConfigurationFactoryFactory<>());
        // ${VAR} and ${VAR:-default} in config.yml come from the environment (database password, tokens).
        ConfigurationSourceProvider substituting = new SubstitutingSourceProvider(
                bootstrap.getConfigurationSourceProvider(), new EnvironmentVariableSubstitutor(false));
        // The file the service starts from, remembered for the reload-config task.
        bootstrap.setConfigurationSourceProvider(path -> {
            configurationPath = path;
            return substituting.open(path);
        });
        this.bootstrap = bootstrap;
        bootstrap.addCommand(new RulesCommand());
        bootstrap.addCommand(new PluginsCommand());
        bootstrap.addCommand(new KeysCommand());
        bootstrap.addCommand(new AuditCommand());
        bootstrap.addCommand(new DemoCommand());
        // Dropwizard's db commands (migrate, status, ...), with the one-line errors of every command.
        bootstrap.addCommand(new DbCommand<>("db", HomeostatConfiguration::getDatabase, HomeostatConfiguration.class, "migrations.xml") {
            @Override
            protected void run(Bootstrap<HomeostatConfiguration> bootstrap, Namespace namespace, HomeostatConfiguration configuration)
                    throws Exception {
                DatabaseCheck.ensureAvailable(configuration.getDatabase());
                super.run(bootstrap, namespace, configuration);
            }

            @Override
            public void onError(Cli cli, Namespace namespace, Throwable error) {
                CommandErrors.print(cli, error);
            }
        });
    }

    /** server and check as Dropwizard has them, but an operator's mistake is one line, not a stack trace. */
    @Override
    protected void addDefaultCommands(Bootstrap<HomeostatConfiguration> bootstrap) {
        bootstrap.addCommand(new ServerCommand<>(this) {
            @Override
            public void onError(Cli cli, Namespace namespace, Throwable error) {
                CommandErrors.print(cli, error);
            }
        });
        bootstrap.addCommand(new CheckCommand<>(this) {
            @Override
            public void onError(Cli cli, Namespace namespace, Throwable error) {
                CommandErrors.print(cli, error);
            }
        });
    }

    @Override
    public void run(HomeostatConfiguration configuration, Environment environment) throws Exception {
        PortCheck.ensureFree(configuration.getServerFactory());
        FatalThreads.coverServiceThreads();
        // Rules first: with engine.failOnRuleError a rule file that does not compile stops start-up with
        // file, line and message; otherwise the last good version from the store serves (below).
        Path rulesDirectory = Path.of(configuration.getEngine().getRulesDirectory());
        RuleBaseCompiler compiler = new RuleBaseCompiler();
        RuleBase ruleBase = null;
        RuleCompilationException brokenOnDisk = null;
        try {
            ruleBase = compiler.compile(rulesDirectory);
        } catch (RuleCompilationException e) {
            if (configuration.getEngine().isFailOnRuleError()) {
                throw e;
            }
            brokenOnDisk = e;
        }

        if (configuration.isMigrateOnStart()) {
            DatabaseCheck.ensureAvailable(configuration.getDatabase());
            Migrations.apply(configuration.getDatabase());
        }
        Jdbi jdbi = new JdbiFactory().build(environment, configuration.getDatabase(), "database");
        LOG.info("database: {}", DatabaseDescription.describe(configuration.getDatabase()));
        String closesOnInterrupt = DatabaseDescription.interruptWarning(configuration.getDatabase());
        if (closesOnInterrupt != null) {
            LOG.warn("database: {}", closesOnInterrupt);
        }
        String notDurable = DatabaseDescription.durabilityWarning(configuration.getDatabase());
        if (notDurable != null) {
            LOG.warn("database: {}", notDurable);
        }
        Store store = new Store(jdbi, environment.getObjectMapper());
        LOG.info("API keys: {}", AdminKeyBootstrap.ensure(store.keys(), configuration.getAuth().getAdminKey(), System.out,
                Clock.systemUTC()));

        if (brokenOnDisk != null) {
            // A crash-restart during an incident must not become an outage because of a bad edit on disk.
            ruleBase = StartupRules.lastGood(compiler, store.ruleVersions(), brokenOnDisk);
        }

        PluginRegistry plugins = configuration.getPlugins().build(store.gateState().disabledPlugins());
        Inbox inbox = configuration.getIntake().buildInbox();
        // Labelled Prometheus metrics (the admin port's /prometheus), beside the Dropwizard ones exported there too.
        PrometheusRegistry prometheus = new PrometheusRegistry();
        Telemetry telemetry = new Telemetry(prometheus);
        PolicySettings policy = configuration.buildPolicy();
        // The policy in effect for the API's views: reload-config replaces it (and the engine's, through the engine).
        AtomicReference<PolicySettings> policyNow = new AtomicReference<>(policy);
        // Leases on resources and the cluster's admission (docs/SCALE-OUT.md): started first, so that this replica's
        // earlier run's leases are released before the engine's restore reconciles its attempts; stopped last.
        Cluster cluster = configuration.getCluster().build(store, policyNow::get, environment.metrics());
        LOG.info("replica {} (run {})", cluster.replica().id(), cluster.replica().run());
        environment.lifecycle().manage(cluster.leases());
        // Decided before any job that only the leader runs starts (the notifier's redelivery among them).
        Leadership leadership = configuration.getCluster().buildLeadership(configuration.getDatabase(), environment.metrics());
        environment.lifecycle().manage(leadership);
        ExecutionFactory execution = configuration.getExecution();
        RemediationExecutor executor = execution.buildExecutor(plugins, store, inbox, configuration.getPlugins(), environment.metrics(), telemetry,
                cluster);
        EscalationNotifier notifier = execution.buildNotifier(plugins, store, environment.getObjectMapper(), configuration.getPlugins(), telemetry,
                leadership::isLeader);
        // Detection never waits on the database: outputs leave the engine through the outbox. What a stop or
        // crash left in it is applied now, before the notifier and the engine's restore read the store.
        Outbox outbox = configuration.getOutbox().build(new DecisionDispatcher(store, executor, notifier, environment.metrics(), telemetry,
                        cluster.replica().id()),
                environment.getObjectMapper(), environment.metrics());
        outbox.recover();
        Optional<Archive> archive = configuration.getRetention().buildArchive(environment.getObjectMapper());
        Optional<SignalRecorder> recorder = configuration.getRecording().build(environment.metrics(), archive);
        BaselineCheckpoints baselines = new BaselineCheckpoints(store.baselines(), environment.metrics());
        // intake.mode: kafka (docs/SCALE-OUT.md): the engine starts with no resource's state and adopts those of the
        // partitions the group assigns it; attempt reports on others' resources travel through the topic.
        Optional<io.homeostat.service.config.IntakeFactory.KafkaParts> kafka = configuration.getIntake().buildKafka(
                environment.getObjectMapper(), cluster.replica().id(), inbox, outbox::queuedSeq, outbox::appliedSeq,
                (owns, recent) -> StartupState.adopt(store, policyNow.get(), System.currentTimeMillis(), owns, recent),
                configuration.getEngine().getDrainTimeout().toJavaDuration(), environment.metrics());
        java.util.function.BiPredicate<String, String> ownedAtStart = kafka.isPresent() ? (tenant, resource) -> false
                : StartupState.EVERY_RESOURCE;
        kafka.ifPresent(parts -> environment.lifecycle().manage(parts.ingress()));
        Engine engine = configuration.getEngine().build(ruleBase, inbox, outbox, plugins::availableActions,
                now -> StartupState.load(store, policy, now, recentSignals(configuration, now), executor::reconcile, cluster.replica().id(),
                                ownedAtStart)
                        .withProjectionHistory(projectionHistory(configuration, now)),
                recorder.<ObjLongConsumer<List<Signal>>>map(r -> r::record).orElse((batch, at) -> { }), new FatalThreads(), policy, configuration.getPolicy().windows(), configuration.dependencies(), baselines,
                environment.metrics());
        recorder.ifPresent(r -> {
            environment.lifecycle().manage(r);
            environment.healthChecks().register("recording", new RecordingHealthCheck(r));
        });
        plugins.onChange(engine::refreshActions);

        // Stopped in reverse: the engine drains first, then running actions finish, then plugins unload.
        environment.lifecycle().manage(new Managed() {
            @Override
            public void stop() {
                plugins.stop();
            }
        });
        environment.lifecycle().manage(notifier);
        environment.lifecycle().manage(executor);
        // Stops after the engine has handed over its last outputs, and before the executor they are dispatched to.
        environment.lifecycle().manage(outbox);
        // Stops after the engine, which hands over its last changed baselines as it stops.
        environment.lifecycle().manage(baselines);
        environment.lifecycle().manage(engine);
        // After the engine: it hands records over once the engine runs, and stops (settling its offsets) before the engine drains.
        kafka.ifPresent(parts -> {
            engine.listen(parts.feed());
            environment.lifecycle().manage(parts.feed());
        });
        // After the engine's restore: attempts whose runner stopped holding their lease are reconciled by whoever takes it.
        environment.lifecycle().manage(new OrphanSweep(store.remediations()::orphaned, executor::reconcile, configuration.getCluster().sweepEvery()));
        // After the engine's restore: switches and maintenance set through another replica reach this engine too.
        configuration.getCluster().buildSharedSwitches(configuration.getDatabase(), store.gateState(), store.autonomy(), inbox::submit)
                .ifPresent(environment.lifecycle()::manage);
        // After the engine: it starts once the engine runs (it swaps rules in) and stops before it.
        RuleSet rules = new RuleSet(rulesDirectory, compiler, engine, store.ruleVersions(), environment.metrics(), Clock.systemUTC(),
                configuration.getEngine().getReloadDebounce(), configuration.getEngine().isWatchRules());
        if (brokenOnDisk != null) {
            rules.rejectedAtStart(brokenOnDisk.problems());
        }
        environment.lifecycle().manage(rules);
        if (configuration.getPlugins().isWatch()) {
            environment.lifecycle().manage(new DirectoryWatcher("plugins", Path.of(configuration.getPlugins().getDirectory()),
                    List.of(".jar"), configuration.getPlugins().getReloadDebounce(), changed -> plugins.rescan(), plugins::reapRetired));
        }

        Intake intake = configuration.getIntake().build(inbox, kafka.<io.homeostat.service.inbox.Ingress>map(parts -> parts.ingress()).orElse(inbox),
                environment.getObjectMapper().getFactory(), environment.metrics());
        AlertIntake alerts = configuration.getAlertmanager().build(intake, store.alerts(), environment.metrics());
        environment.lifecycle().manage(new AlertRetention(store.alerts(), configuration.getAlertmanager().getDuplicateWindow()));
        // After the engine: collections start once it runs, and stop before it drains.
        CollectorScheduler collectors = configuration.getCollectors().build(plugins, intake, environment.metrics(), telemetry);
        environment.lifecycle().manage(collectors);
        environment.healthChecks().register("collectors", new CollectorsHealthCheck(collectors, Clock.systemUTC()));
        environment.healthChecks().register("executor", new ExecutorHealthCheck(executor::load, execution.getSaturatedAfter(), Clock.systemUTC()));
        CachingAuthenticator<String, Caller> authenticator = registerAuth(configuration, environment, store);
        HealthScorer healthScorer = configuration.getHealthScore().build(store, configuration.getTenants().keySet(), prometheus,
                leadership::isLeader);
        environment.lifecycle().manage(healthScorer);
        environment.metrics().gauge("homeostat.health_score.failed_rounds", () -> healthScorer::failures);
        environment.lifecycle().manage(configuration.getHealthScore().buildPredictionScorer(store, environment.metrics(), leadership::isLeader));
        environment.jersey().register(new MalformedJsonMapper());
        environment.jersey().register(new ParamExceptionMapper());
        environment.jersey().register(new JsonMappingMapper());
        // What Jetty answers itself (bad URI, 414, 431) and the admin port's malformed queries: JSON too.
        JsonErrorHandler errors = new JsonErrorHandler();
        environment.lifecycle().addServerLifecycleListener(server -> server.setErrorHandler(errors));
        environment.admin().addFilter("query-check", new QueryCheckFilter())
                .addMappingForUrlPatterns(java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST), true, "/*");
        // The API's resources, registered and described from one list: the OpenAPI document cannot miss one.
        List<Object> resources = List.of(new SignalsResource(intake), new AlertmanagerResource(alerts), new AlertsResource(store.alerts()),
                new IssuesResource(store), new RemediationsResource(store),
                new DecisionsResource(store), new DeferredResource(store, policyNow::get), new MeResource(), new ApprovalsResource(store, inbox, Clock.systemUTC()),
                new AutoRemediationResource(store, inbox, Clock.systemUTC()), new AutonomyResource(store, inbox, Clock.systemUTC()), new ManualRemediationResource(store, inbox),
                new RulesResource(rules, store.audit()), new AuditResource(store.audit()), new PluginsResource(plugins, store, Clock.systemUTC()),
                new StatisticsResource(store, plugins::availableActions, () -> policyNow.get().getPriorWeight()),
                new TenantsResource(policyNow::get, store.keys()),
                new HealthScoreResource(healthScorer, store.issues(), store.healthHistory(), Clock.systemUTC()),
                new KeysResource(new ApiKeys(store.keys(), Clock.systemUTC()), store.keys(), authenticator::invalidateAll));
        resources.forEach(environment.jersey()::register);
        String version = HomeostatApplication.class.getPackage().getImplementationVersion();
        environment.jersey().register(OpenApiResource.describing(
                resources.stream().map(Object::getClass).collect(java.util.stream.Collectors.toSet()),
                version == null ? "development" : version));
        // The dashboard's files at / and /ui/*: the exact and the longer path win over Jersey's /*.
        environment.servlets().addServlet("dashboard", new DashboardServlet()).addMapping("", "/ui/*");
        archive.ifPresent(into -> {
            // Retention makes way for a long evaluation and for decisions waiting to be stored.
            RetentionJob retention = configuration.getRetention().build(store, into,
                    io.homeostat.service.retention.Foreground.longest(engine::firingFor, outbox::oldestAge), telemetry, leadership::isLeader);
            environment.lifecycle().manage(retention);
            environment.admin().addTask(new RetentionTask(retention));
            environment.healthChecks().register("retention", new RetentionHealthCheck(retention));
        });
        if (configurationPath != null) {
            environment.admin().addTask(new ReloadConfigTask(new ConfigReload(bootstrap.getConfigurationFactoryFactory().create(
                    HomeostatConfiguration.class, bootstrap.getValidatorFactory().getValidator(), bootstrap.getObjectMapper(), "dw"),
                    bootstrap.getConfigurationSourceProvider(), configurationPath, new ConfigReload.Parts(engine, policyNow, collectors, plugins,
                    inbox, intake, environment.metrics(), telemetry)), store.audit(), Clock.systemUTC()));
        }
        environment.admin().addTask(new ReloadRulesTask(rules));
        environment.admin().addTask(new ReloadPluginsTask(plugins));
        environment.admin().addTask(new MaintenanceTask(store.gateState(), inbox, Clock.systemUTC()));
        environment.admin().addTask(AutoRemediationTask.pause(store.gateState(), inbox, Clock.systemUTC()));
        environment.admin().addTask(AutoRemediationTask.resume(store.gateState(), inbox, Clock.systemUTC()));

        environment.healthChecks().register("rules", new RuleBaseHealthCheck(engine, rules));
        environment.healthChecks().register("plugins", new PluginsHealthCheck(plugins));
        environment.healthChecks().register("intake", new IntakeHealthCheck(inbox.signals(), intake.liveGate()));
        environment.healthChecks().register("evaluation-lag", new EvaluationLagHealthCheck(intake.lagGate()));
        environment.healthChecks().register("engine-thread", new EngineThreadHealthCheck(engine));
        environment.healthChecks().register("outbox", new OutboxHealthCheck(outbox, intake.lagGate().bound()));
        // A supervisor restarts on /live; a load balancer routes on /ready; /healthcheck is everything, for alerting.
        environment.admin().addServlet("live", new ProbeServlet(environment.healthChecks(), List.of("engine-thread"),
                environment.getObjectMapper())).addMapping("/live");
        environment.admin().addServlet("ready", new ProbeServlet(environment.healthChecks(), List.of("database", "evaluation-lag", "intake"),
                environment.getObjectMapper())).addMapping("/ready");

        DropwizardExports.builder().dropwizardRegistry(environment.metrics()).register(prometheus);
        telemetry.queue(() -> inbox.signals().depth(), () -> inbox.signals().capacity());
        environment.admin().addServlet("prometheus", new PrometheusMetricsServlet(prometheus)).addMapping("/prometheus");
    }

    /**
     * Every API request carries a key: the filter is registered for every resource, not only for
     * annotated methods, so that an endpoint that forgets {@code @RolesAllowed} still needs a key
     * (and a test fails on it).
     */
    private static CachingAuthenticator<String, Caller> registerAuth(HomeostatConfiguration configuration, Environment environment,
                                                                     Store store) {
        KeyAuthenticator keys = new KeyAuthenticator(store.keys(), Clock.systemUTC());
        environment.metrics().gauge("homeostat.auth.stale_answers", () -> keys::staleAnswers);
        CachingAuthenticator<String, Caller> authenticator = new CachingAuthenticator<>(environment.metrics(), keys,
                Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(configuration.getAuth().getCacheFor().toJavaDuration()),
                false);
        environment.jersey().register(new OAuthCredentialAuthFilter.Builder<Caller>()
                .setAuthenticator(authenticator)
                .setAuthorizer(new RoleAuthorizer())
                .setPrefix("Bearer")
                .setRealm("homeostat")
                .setUnauthorizedHandler(new JsonUnauthorizedHandler())
                .buildAuthFilter());
        environment.jersey().register(RolesAllowedDynamicFeature.class);
        environment.jersey().register(new AuthValueFactoryProvider.Binder<>(Caller.class));
        environment.jersey().register(new ForbiddenMapper());
        environment.jersey().register(new BodyLimitFilter(configuration.getIntake().getMaxRequestBody().toBytes()));
        environment.jersey().register(new BodyLimitFilter.TooLargeMapper());
        environment.getObjectMapper().getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(configuration.getIntake().getMaxJsonDepth()).build());
        return authenticator;
    }

    /** What the engine evaluated within a signal's lifetime before a restart, so that its windows go on counting it. */
    /** The recorded readings of the projected metrics over the span a projection looks back: its points after a restart. */
    private static List<Signal> projectionHistory(HomeostatConfiguration configuration, long now) {
        io.homeostat.service.engine.Projections.Settings settings = configuration.getEngine().projectionSettings();
        if (!configuration.getRecording().isEnabled()) {
            return List.of();
        }
        return SignalJournal.ofMetrics(Path.of(configuration.getRecording().getDirectory()),
                Instant.ofEpochMilli(now).minus(settings.sampleEvery().multipliedBy(settings.points())), Instant.ofEpochMilli(now),
                java.util.Set.copyOf(settings.metrics()));
    }

    private static List<Signal> recentSignals(HomeostatConfiguration configuration, long now) {
        if (!configuration.getRecording().isEnabled()) {
            return List.of();
        }
        return SignalJournal.recent(Path.of(configuration.getRecording().getDirectory()),
                Instant.ofEpochMilli(now).minus(Signal.LIFETIME), Instant.ofEpochMilli(now));
    }
}
