package io.homeostat.service.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.configuration.ConfigurationException;
import io.dropwizard.configuration.EnvironmentVariableSubstitutor;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.SubstitutingSourceProvider;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.homeostat.service.HomeostatConfiguration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HomeostatConfigurationTest {
    private final ObjectMapper mapper = Jackson.newObjectMapper();
    private final ConfigurationFactory<HomeostatConfiguration> factory = new StrictConfigurationFactoryFactory<HomeostatConfiguration>()
            .create(HomeostatConfiguration.class, Validators.newValidator(), mapper, "dw");

    @TempDir
    Path directory;

    private HomeostatConfiguration load(String yaml) throws Exception {
        Path file = directory.resolve("config.yml");
        Files.writeString(file, yaml);
        return factory.build(new FileConfigurationSourceProvider(), file.toString());
    }

    @Test
    void anEmptyFileGivesWorkingDefaults() throws Exception {
        HomeostatConfiguration configuration = load("{}");
        assertThat(configuration.isMigrateOnStart()).isTrue();
        assertThat(configuration.getDatabase().getUrl()).startsWith("jdbc:h2:async:./data/homeostat;MODE=PostgreSQL");
        assertThat(configuration.getEngine().getRulesDirectory()).isEqualTo("rules");
        assertThat(configuration.getEngine().getMaxBatch()).isEqualTo(5_000);
        assertThat(configuration.getIntake().getMaxBatch()).isEqualTo(5_000);
        assertThat(configuration.getIntake().getQueueCapacity()).isEqualTo(100_000);
        assertThat(configuration.getPolicy().build().getMaxPerResourcePerHour()).isEqualTo(10);
        assertThat(configuration.getPolicy().build().getResolveQuietPeriodMillis()).isEqualTo(120_000);
        assertThat(configuration.getPlugins().getDirectory()).isEqualTo("target/plugins");
        assertThat(configuration.getPlugins().isFailOnError()).as("a bad jar leaves the service degraded, not down").isFalse();
        assertThat(configuration.getEngine().isFailOnRuleError()).isFalse();
        assertThat(configuration.getEngine().getMaxIterationTime()).isEqualTo(Duration.ofSeconds(10));
        assertThat(configuration.getExecution().getMaxConcurrent()).isEqualTo(8);
        assertThat(configuration.getExecution().timeoutFor("process.restart")).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void anEmptyPolicyYieldsExactlyTheDefaultsOfThePolicyFact() throws Exception {
        // The defaults are written once (PolicySettings.Builder); config must not drift from them.
        io.homeostat.service.engine.facts.PolicySettings configured = load("{}").getPolicy().build();
        io.homeostat.service.engine.facts.PolicySettings facts = io.homeostat.service.engine.facts.PolicySettings.builder().build();
        int compared = 0;
        for (java.lang.reflect.Method getter : io.homeostat.service.engine.facts.PolicySettings.class.getMethods()) {
            boolean property = getter.getParameterCount() == 0 && getter.getDeclaringClass() != Object.class
                    && (getter.getName().startsWith("get") || getter.getName().startsWith("is"));
            if (property) {
                assertThat(getter.invoke(configured)).as(getter.getName()).isEqualTo(getter.invoke(facts));
                compared++;
            }
        }
        assertThat(compared).isGreaterThan(20);
        for (io.homeostat.service.engine.facts.Severity severity : io.homeostat.service.engine.facts.Severity.values()) {
            assertThat(configured.severityWeight(severity)).as(severity.label()).isEqualTo(facts.severityWeight(severity));
        }
        for (String risk : java.util.List.of("low", "medium", "high", "critical")) {
            assertThat(configured.riskPenalty(risk)).as(risk).isEqualTo(facts.riskPenalty(risk));
            assertThat(configured.needsApproval(risk)).as(risk).isEqualTo(facts.needsApproval(risk));
            assertThat(configured.needsQuorum(risk)).as(risk).isEqualTo(facts.needsQuorum(risk));
        }
        assertThat(configured.verificationMillis("any.action")).isEqualTo(facts.verificationMillis("any.action"));
        assertThat(configured.expectedMinutes("any_type")).isEqualTo(facts.expectedMinutes("any_type"));
        assertThat(configured.criticality("service:any")).isEqualTo(facts.criticality("service:any"));
    }

    @Test
    void theShippedConfigLoadsWithItsEnvironmentDefaults() throws Exception {
        Path shipped = Path.of(System.getProperty("homeostat.project.dir", ".."), "config.yml");
        HomeostatConfiguration configuration = factory.build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(),
                new EnvironmentVariableSubstitutor(false)), shipped.toString());
        assertThat(configuration.getDatabase().getUrl()).startsWith("jdbc:h2:async:./data/homeostat");
        assertThat(configuration.getPlugins().settingsFor("process").section("resources").has("service:demo")).isTrue();
        assertThat(configuration.getPlugins().settingsFor("http").section("endpoints").section("scale-out").stringMap("headers"))
                .containsEntry("Authorization", "Bearer ${env:PLATFORM_TOKEN}");
        assertThat(configuration.getPlugins().settingsFor("unknown").keys()).isEmpty();
    }

    @Test
    void theShippedLogFormatWritesALineBreakInAMessageAsBackslashN() throws Exception {
        // A resource name or a plugin's answer with CR/LF once wrote a forged line into the log.
        Path shipped = Path.of(System.getProperty("homeostat.project.dir", ".."), "config.yml");
        HomeostatConfiguration configuration = factory.build(new SubstitutingSourceProvider(new FileConfigurationSourceProvider(),
                new EnvironmentVariableSubstitutor(false)), shipped.toString());
        var logging = (io.dropwizard.logging.common.DefaultLoggingFactory) configuration.getLoggingFactory();
        var console = (io.dropwizard.logging.common.ConsoleAppenderFactory<?>) logging.getAppenders().get(0);
        ch.qos.logback.classic.LoggerContext context = new ch.qos.logback.classic.LoggerContext();
        ch.qos.logback.classic.PatternLayout layout = new ch.qos.logback.classic.PatternLayout();
        layout.setContext(context);
        layout.setPattern(console.getLogFormat());
        layout.start();
        ch.qos.logback.classic.spi.LoggingEvent event = new ch.qos.logback.classic.spi.LoggingEvent("x",
                context.getLogger("io.homeostat.test"), ch.qos.logback.classic.Level.INFO,
                "remediation on {} failed", null, new Object[] {"service:a\r\nINFO  [2026-11-30] io.homeostat: forged\nmore\rend"});
        String line = layout.doLayout(event);
        assertThat(line).endsWith("\n");
        assertThat(line.substring(0, line.length() - 1)).doesNotContain("\n").doesNotContain("\r")
                .contains("service:a\\nINFO  [2026-11-30] io.homeostat: forged\\nmore\\nend failed");
    }

    @Test
    void perActionTimeoutsOverrideTheDefault() throws Exception {
        HomeostatConfiguration configuration = load("execution:\n  actionTimeout: 30s\n  actionTimeouts:\n    http.call: 5s\n");
        assertThat(configuration.getExecution().timeoutFor("http.call")).isEqualTo(Duration.ofSeconds(5));
        assertThat(configuration.getExecution().timeoutFor("process.restart")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void invalidValuesAreRejectedWithTheirPath() {
        assertThatThrownBy(() -> load("intake:\n  maxBatch: 0\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("intake.maxBatch");
        assertThatThrownBy(() -> load("engine:\n  tick: 1ms\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("engine.tick");
        assertThatThrownBy(() -> load("execution:\n  maxConcurrent: 1000\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("execution.maxConcurrent");
    }

    @Test
    void kafkaIntakeNeedsItsBrokersAndKeepsTheSettingsItsGuaranteesRestOn() throws Exception {
        assertThatThrownBy(() -> load("intake:\n  mode: kafka\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("intake.kafka.bootstrapServers is required");
        assertThatThrownBy(() -> load("intake:\n  mode: kafka\n  kafka:\n    bootstrapServers: b:9092\n    properties: {acks: \"1\"}\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("may not set acks");
        assertThatThrownBy(() -> load("intake:\n  mode: kafak\n")).isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("intake.mode");
        assertThatThrownBy(() -> load("intake:\n  kafka:\n    topic: \"a topic\"\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("intake.kafka.topic");
        HomeostatConfiguration kafka = load("intake:\n  mode: kafka\n  kafka:\n    bootstrapServers: b:9092\n"
                + "    properties: {security.protocol: SASL_SSL}\ncluster:\n  replicaId: \"\"\n");
        assertThat(kafka.getIntake().mode()).isEqualTo(IntakeFactory.Mode.KAFKA);
        assertThat(kafka.getCluster().replicaId()).as("empty: the host's name").isNotEmpty();
    }

    @Test
    void unknownPropertiesAreRejected() {
        assertThatThrownBy(() -> load("engine:\n  rulesDir: x\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("Unrecognized field at: engine.rulesDir");
    }

    @Test
    void wrongTypesAreRejected() {
        assertThatThrownBy(() -> load("intake:\n  queueCapacity: lots\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("intake.queueCapacity");
        assertThatThrownBy(() -> load("policy:\n  resolveQuietPeriod: soon\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("policy.resolveQuietPeriod");
    }

    @Test
    void policyNumbersAndWindowsAreValidatedWithTheirPath() throws Exception {
        assertThatThrownBy(() -> load("policy:\n  blastRadius:\n    maxShare: 2\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("policy.blastRadius.maxShare");
        assertThatThrownBy(() -> load("policy:\n  approval:\n    minRisk: scary\n"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("policy.approval.minRisk");
        HomeostatConfiguration windows = load("policy:\n  windows:\n    - {name: nightly, cron: \"0 25 * * *\", duration: 1h}\n");
        assertThatThrownBy(() -> windows.getPolicy().windows()).hasMessageStartingWith("policy.windows[0] (nightly): ");
        HomeostatConfiguration tuned = load("policy:\n  rateLimits:\n    globalPerHour: 7\n  quorum:\n    minRisk: none\n");
        assertThat(tuned.getPolicy().build().getMaxGlobalPerHour()).isEqualTo(7);
        assertThat(tuned.getPolicy().build().needsQuorum("CRITICAL")).isFalse();
        assertThat(tuned.getPolicy().build().getMaxPerTenantPerMinute()).as("unchanged defaults").isEqualTo(10);
    }
}
