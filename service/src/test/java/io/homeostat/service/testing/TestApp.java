package io.homeostat.service.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dropwizard.testing.DropwizardTestSupport;
import io.homeostat.service.HomeostatApplication;
import io.homeostat.service.HomeostatConfiguration;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The whole service on port 0 with a generated config.yml: a given database, the shipped rules
 * (plus extra rule files), and plugin jars the build produced copied into a private directory.
 */
public final class TestApp implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final DropwizardTestSupport<HomeostatConfiguration> support;
    private final String adminKey;

    private TestApp(DropwizardTestSupport<HomeostatConfiguration> support, String adminKey) {
        this.support = support;
        this.adminKey = adminKey;
    }

    /** The all-tenants admin key the service was started with (as HOMEOSTAT_ADMIN_KEY would give it). */
    public String adminKey() {
        return adminKey;
    }

    public static Builder builder(Path directory, TestDatabase database) {
        return new Builder(directory, database);
    }

    /** The directory holding the shipped plugin jars (target/plugins of the build). */
    public static Path shippedPlugins() {
        return Path.of(System.getProperty("homeostat.plugins.dist", "../target/plugins"));
    }

    /** The faulty test plugin jar built by plugins/faulty-test. */
    public static Path faultyPluginJar() throws IOException {
        return testPluginJar("faulty-test");
    }

    /** A test-only plugin jar built by plugins/{module} (never copied to target/plugins). */
    public static Path testPluginJar(String module) throws IOException {
        Path target = Path.of(System.getProperty("homeostat.project.dir", ".."), "plugins", module, "target");
        try (Stream<Path> files = Files.list(target)) {
            return files.filter(path -> path.getFileName().toString().matches("homeostat-plugin-" + module + "-.*\\.jar"))
                    .findFirst().orElseThrow(() -> new IllegalStateException("build plugins/" + module + " first (./mvnw verify)"));
        }
    }

    public static Path shippedRules() {
        return Path.of(System.getProperty("homeostat.rules.dir", "../rules"));
    }

    public String api(String path) {
        return "http://127.0.0.1:" + support.getLocalPort() + path;
    }

    public String admin(String path) {
        return "http://127.0.0.1:" + support.getAdminPort() + path;
    }

    /** POST with the admin key. */
    public HttpResponse<String> post(String path, String body) throws IOException, InterruptedException {
        return postAs(adminKey, path, body);
    }

    /** POST with the given key (null: none). */
    public HttpResponse<String> postAs(String key, String path, String body) throws IOException, InterruptedException {
        return send(key, HttpRequest.newBuilder(URI.create(api(path))).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Any method with the given key (null: none) and body (null: none). */
    public HttpResponse<String> request(String key, String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(api(path)));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        }
        return send(key, request);
    }

    /** GET of a full URL with the admin key (the admin port ignores it). */
    public HttpResponse<String> get(String url) throws IOException, InterruptedException {
        return getAs(adminKey, url);
    }

    /** GET of a full URL with the given key (null: none). */
    public HttpResponse<String> getAs(String key, String url) throws IOException, InterruptedException {
        return send(key, HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private static HttpResponse<String> send(String key, HttpRequest.Builder request) throws IOException, InterruptedException {
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Creates a key through the admin API, as a user would, and returns the key. */
    public String createKey(String name, String role, String tenant) throws IOException, InterruptedException {
        String body = "{\"name\":\"" + name + "\",\"role\":\"" + role + "\"" + (tenant == null ? "" : ",\"tenant\":\"" + tenant + "\"") + "}";
        HttpResponse<String> created = post("/api/v1/keys", body);
        if (created.statusCode() != 201) {
            throw new IllegalStateException("POST /api/v1/keys answered " + created.statusCode() + ": " + created.body());
        }
        return JSON.readTree(created.body()).get("secret").asText();
    }

    /** GET of an API path with the admin key, expecting 200. */
    public JsonNode getJson(String path) throws IOException, InterruptedException {
        return getJsonAs(adminKey, path);
    }

    /** GET of an API path with the given key, expecting 200. */
    public JsonNode getJsonAs(String key, String path) throws IOException, InterruptedException {
        HttpResponse<String> response = getAs(key, api(path));
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    /** Sends one batch of signals given as JSON objects and returns the answer. */
    public HttpResponse<String> signals(String... signals) throws IOException, InterruptedException {
        return post("/api/v1/signals", "{\"signals\":[" + String.join(",", signals) + "]}");
    }

    public static String signal(String resource, String metric, double value) {
        return "{\"resource\":\"" + resource + "\",\"metric\":\"" + metric + "\",\"value\":" + value + ",\"source\":\"test\"}";
    }

    public static JsonNode parse(String json) throws IOException {
        return JSON.readTree(json);
    }

    public io.dropwizard.core.setup.Environment environment() {
        return support.getEnvironment();
    }

    public HomeostatConfiguration configuration() {
        return support.getConfiguration();
    }

    @Override
    public void close() {
        support.after();
    }

    /** Builds the configuration file and starts the app. */
    public static final class Builder {
        private final Path directory;
        private final TestDatabase database;
        private final Map<String, Object> pluginSettings = new LinkedHashMap<>();
        private final Map<String, Object> execution = new LinkedHashMap<>();
        private final Map<String, Object> intake = new LinkedHashMap<>();
        private final Map<String, Object> cluster = new LinkedHashMap<>();
        // Pairs trusted from the start (autonomy auto), unless a test sets policy.autonomy: the tests of
        // remediation decide what a trusted pair does; AutonomyIntegrationTest tests earning it.
        private final Map<String, Object> policy = new LinkedHashMap<>(Map.of("autonomy", Map.of("startIn", "auto")));
        private final Map<String, Object> engine = new LinkedHashMap<>();
        private final Map<String, Object> outbox = new LinkedHashMap<>();
        private final Map<String, Object> alertmanager = new LinkedHashMap<>();
        private Map<String, Object> logging;
        private final List<Object> collectorTargets = new java.util.ArrayList<>();
        private final Map<String, Object> pluginOptions = new LinkedHashMap<>();
        private final Map<String, String> extraRules = new LinkedHashMap<>();
        private final Map<String, Object> tenants = new LinkedHashMap<>();
        private final List<Object> resources = new java.util.ArrayList<>();
        private final Map<String, Object> healthScore = new LinkedHashMap<>();
        private final Map<String, Object> retention = new LinkedHashMap<>();
        private boolean faultyPlugin;

        private Builder(Path directory, TestDatabase database) {
            this.directory = directory;
            this.database = database;
        }

        public Builder retention(String key, Object value) {
            retention.put(key, value);
            return this;
        }

        public Builder pluginSettings(String pluginId, Map<String, Object> settings) {
            pluginSettings.put(pluginId, settings);
            return this;
        }

        public Builder execution(String key, Object value) {
            execution.put(key, value);
            return this;
        }

        /** config.yml {@code cluster.<key>} (replicaId, leaseTtl, ...). */
        public Builder cluster(String key, Object value) {
            cluster.put(key, value);
            return this;
        }

        public Builder intake(String key, Object value) {
            intake.put(key, value);
            return this;
        }

        public Builder plugins(String key, Object value) {
            pluginOptions.put(key, value);
            return this;
        }

        public Builder engine(String key, Object value) {
            engine.put(key, value);
            return this;
        }

        public Builder outbox(String key, Object value) {
            outbox.put(key, value);
            return this;
        }

        /** config.yml {@code alertmanager.<key>}. */
        public Builder alertmanager(String key, Object value) {
            alertmanager.put(key, value);
            return this;
        }

        /** One of config.yml's {@code collectors.targets}. */
        /** config.yml {@code logging}, whole (by default WARN, io.homeostat at INFO, to the console). */
        public Builder logging(Map<String, Object> logging) {
            this.logging = logging;
            return this;
        }

        public Builder collector(Map<String, Object> target) {
            collectorTargets.add(target);
            return this;
        }

        public Builder policy(String key, Object value) {
            policy.put(key, value);
            return this;
        }

        /** config.yml {@code tenants.<name>}: the tenant's policy overrides. */
        public Builder tenant(String name, Map<String, Object> overrides) {
            tenants.put(name, overrides);
            return this;
        }

        /** config.yml {@code healthScore.<key>}. */
        public Builder healthScore(String key, Object value) {
            healthScore.put(key, value);
            return this;
        }

        /** One of config.yml's {@code resources:} (name, dependsOn). */
        public Builder resource(String name, List<String> dependsOn) {
            resources.add(Map.of("name", name, "dependsOn", dependsOn));
            return this;
        }

        public Builder rule(String fileName, String drl) {
            extraRules.put(fileName, drl);
            return this;
        }

        public Builder withFaultyPlugin() {
            faultyPlugin = true;
            return this;
        }

        /** Writes the config and rules, copies the plugin jars, and returns the support object unstarted. */
        public DropwizardTestSupport<HomeostatConfiguration> prepare() throws IOException {
            Path rules = Files.createDirectories(directory.resolve("rules"));
            try (Stream<Path> shipped = Files.list(shippedRules())) {
                for (Path file : shipped.filter(path -> io.homeostat.service.engine.RuleBaseCompiler.isRuleFile(path.getFileName().toString())).toList()) {
                    Files.copy(file, rules.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            for (Map.Entry<String, String> rule : extraRules.entrySet()) {
                Files.writeString(rules.resolve(rule.getKey()), rule.getValue());
            }
            Path plugins = Files.createDirectories(directory.resolve("plugins"));
            if (!Files.isDirectory(shippedPlugins())) {
                throw new IllegalStateException("no plugin jars in " + shippedPlugins() + ": build with ./mvnw verify");
            }
            try (Stream<Path> jars = Files.list(shippedPlugins())) {
                for (Path jar : jars.filter(path -> path.toString().endsWith(".jar")).toList()) {
                    Files.copy(jar, plugins.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                }
            }
            if (faultyPlugin) {
                Path jar = faultyPluginJar();
                Files.copy(jar, plugins.resolve(jar.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("server", Map.of(
                    "applicationConnectors", List.of(Map.of("type", "http", "port", 0, "bindHost", "127.0.0.1")),
                    "adminConnectors", List.of(Map.of("type", "http", "port", 0, "bindHost", "127.0.0.1")),
                    "requestLog", Map.of("appenders", List.of())));
            config.put("database", Map.of("driverClass", database.driver(), "url", database.url(), "user", database.user(),
                    "password", "", "initialSize", 2, "minSize", 2, "maxSize", 8));
            Map<String, Object> engineConfig = new LinkedHashMap<>(Map.of("rulesDirectory", rules.toString(), "tick", "50ms"));
            engineConfig.putAll(engine);
            config.put("engine", engineConfig);
            config.put("intake", intake);
            if (!cluster.isEmpty()) {
                config.put("cluster", cluster);
            }
            config.put("recording", Map.of("directory", directory.resolve("signals").toString()));
            Map<String, Object> outboxConfig = new LinkedHashMap<>(Map.of("directory", directory.resolve("outbox").toString()));
            outboxConfig.putAll(outbox);
            config.put("outbox", outboxConfig);
            config.put("policy", policy);
            config.put("alertmanager", alertmanager);
            config.put("collectors", Map.of("targets", collectorTargets));
            config.put("execution", execution);
            // notify.webhook validates its url when it loads; tests that do not care send escalations to a closed port.
            Map<String, Object> settings = new LinkedHashMap<>(pluginSettings);
            settings.putIfAbsent("notify", Map.of("url", "http://127.0.0.1:9/escalations", "timeoutSeconds", 2));
            Map<String, Object> pluginsConfig = new LinkedHashMap<>(Map.of("directory", plugins.toString(), "settings", settings));
            pluginsConfig.putAll(pluginOptions);
            config.put("plugins", pluginsConfig);
            config.put("auth", Map.of("adminKey", database.adminKey()));
            config.put("tenants", tenants);
            config.put("resources", resources);
            config.put("healthScore", healthScore);
            Map<String, Object> retentionConfig = new LinkedHashMap<>(Map.of("archiveDirectory", directory.resolve("archive").toString()));
            retentionConfig.putAll(retention);
            config.put("retention", retentionConfig);
            config.put("logging", logging != null ? logging : Map.of("level", "WARN", "loggers", Map.of("io.homeostat", "INFO")));
            Path file = directory.resolve("config.yml");
            new ObjectMapper(new YAMLFactory()).writeValue(file.toFile(), config);
            return new DropwizardTestSupport<>(HomeostatApplication.class, file.toString());
        }

        public TestApp start() throws Exception {
            DropwizardTestSupport<HomeostatConfiguration> support = prepare();
            support.before();
            return new TestApp(support, database.adminKey());
        }
    }
}
