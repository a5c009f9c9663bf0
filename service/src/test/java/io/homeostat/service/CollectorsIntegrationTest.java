package io.homeostat.service;

import static io.homeostat.service.HealingLoopIntegrationTest.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.homeostat.service.testing.DemoService;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built-in collectors against real counterparts, through the whole service: readings become
 * signals (source {@code collector:<id>}) that rules see. A test rule records each reading as an
 * issue whose summary is the value, so that what the rules saw can be read back over the API. A
 * local HTTP server (healthy and failing paths), a TCP listener and a closed port, a real child
 * process (alive, killed, started again), and a TLS server with a certificate made for the test
 * that expires in 3 days.
 */
class CollectorsIntegrationTest {
    static final String RULES = """
            package homeostat.rules;
            import io.homeostat.service.engine.facts.*;

            rule "test: the latest reading of each collected metric, as an issue"
            when
                $s : Signal( source != null, source.startsWith( "collector:" ), $t : tenant, $r : resource, $m : metric )
                not Signal( this != $s, tenant == $t, resource == $r, metric == $m, time > $s.time )
            then
                String type = "seen." + $m;
                for ( Object o : drools.getKieRuntime().getObjects() ) {
                    if ( o instanceof Issue && ((Issue) o).getResource().equals( $r ) && ((Issue) o).getType().equals( type ) ) {
                        Issue old = (Issue) o;
                        old.setSummary( $m + "=" + $s.getValue() + " " + $s.getSource() + " " + $s.getLabels() );
                        update( old );
                        return;
                    }
                }
                insert( new Issue( $t, $r, type, Severity.INFO, "test", $s.getTime(), drools.getRule().getName(),
                                   $m + "=" + $s.getValue() + " " + $s.getSource() + " " + $s.getLabels() ) );
            end
            """;

    @TempDir
    Path directory;

    /** What the rules last saw of {@code metric} on {@code resource}: "metric=value source labels", or null. */
    static String seen(TestApp app, String resource, String metric) throws Exception {
        for (JsonNode issue : app.getJson("/api/v1/issues?resource=" + resource + "&limit=500").get("items")) {
            if (issue.get("type").asText().equals("seen." + metric)) {
                return issue.get("summary").asText();
            }
        }
        return null;
    }

    static double value(String seen) {
        return Double.parseDouble(seen.substring(seen.indexOf('=') + 1, seen.indexOf(' ')));
    }

    @Test
    void eachCollectorObservesItsRealCounterpartAndFailuresAreReadingsNotGaps() throws Exception {
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/ok", exchange -> {
            byte[] body = "all good".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        web.createContext("/broken", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        web.start();
        int closedPort = freePort();
        Path pidFile = directory.resolve("child.pid");
        Process child = new ProcessBuilder(DemoService.command(freePort())).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        Files.writeString(pidFile, Long.toString(child.pid()));
        Process second = null;
        try (TlsServer tls = TlsServer.start(directory, 3);
             TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).rule("collected.drl", RULES)
                     .collector(target("probe.http", "service:web", Map.of("url", "http://127.0.0.1:" + web.getAddress().getPort() + "/ok",
                             "bodyMatches", "good")))
                     .collector(target("probe.http", "service:broken", Map.of("url", "http://127.0.0.1:" + web.getAddress().getPort()
                             + "/broken")))
                     .collector(target("probe.tcp", "service:tcp-open", Map.of("host", "127.0.0.1", "port", web.getAddress().getPort())))
                     .collector(target("probe.tcp", "service:tcp-closed", Map.of("host", "127.0.0.1", "port", closedPort)))
                     .collector(target("process.alive", "service:child", Map.of("pidFile", pidFile.toString())))
                     .collector(target("probe.tls", "cert:local", Map.of("host", "127.0.0.1", "port", tls.port())))
                     .collector(Map.of("collector", "host.metrics", "resource", "host:this", "interval", "1s", "timeout", "900ms"))
                     .start()) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(seen(app, "service:web", "probe.success")).startsWith("probe.success=1.0 collector:probe.http");
                assertThat(seen(app, "service:web", "http.status")).startsWith("http.status=200.0");
                assertThat(seen(app, "service:web", "collector.up")).startsWith("collector.up=1.0");
                assertThat(seen(app, "service:broken", "probe.success")).startsWith("probe.success=0.0");
                assertThat(seen(app, "service:broken", "http.status")).startsWith("http.status=500.0");
                assertThat(seen(app, "service:tcp-open", "probe.success")).startsWith("probe.success=1.0 collector:probe.tcp");
                assertThat(seen(app, "service:tcp-closed", "probe.success")).as("a failed collection is a reading, not a gap")
                        .startsWith("probe.success=0.0");
                assertThat(seen(app, "service:tcp-closed", "collector.up")).startsWith("collector.up=0.0");
                assertThat(seen(app, "service:child", "process.alive")).startsWith("process.alive=1.0").contains("pid=" + child.pid());
                assertThat(seen(app, "cert:local", "cert.days_left")).contains("CN=homeostat-test");
                assertThat(seen(app, "host:this", "cpu.utilization")).startsWith("cpu.utilization=").contains("collector:host.metrics");
                assertThat(seen(app, "host:this", "memory.used_percent")).startsWith("memory.used_percent=");
            });
            assertThat(value(seen(app, "host:this", "cpu.utilization"))).isBetween(0.0, 100.0);
            assertThat(value(seen(app, "host:this", "memory.used_percent"))).isBetween(0.1, 100.0);
            // The file system the test directory is on: its use as the OS reports it.
            java.nio.file.FileStore store = Files.getFileStore(directory);
            double used = 100.0 * (store.getTotalSpace() - store.getUsableSpace()) / store.getTotalSpace();
            List<String> disks = new java.util.ArrayList<>();
            for (JsonNode issue : app.getJson("/api/v1/issues?limit=500").get("items")) {
                if (issue.get("type").asText().equals("seen.disk.used_percent")) {
                    disks.add(issue.get("resource").asText() + " " + issue.get("summary").asText());
                }
            }
            assertThat(disks).as("disk readings of disk:this:<mount>").isNotEmpty().allSatisfy(disk -> assertThat(disk).startsWith("disk:this:"));
            assertThat(disks).anySatisfy(disk -> assertThat(Math.abs(value(disk.substring(disk.indexOf(' ') + 1)) - used))
                    .as("some mount's use is that of the test directory's file system (%.1f%%): %s", used, disks).isLessThan(1.0));
            assertThat(value(seen(app, "service:web", "probe.latency_ms"))).isGreaterThan(0).isLessThan(5_000);
            assertThat(value(seen(app, "cert:local", "cert.days_left"))).as("the certificate made for 3 days").isBetween(2.9, 3.01);

            // The child dies: not alive; another one starts under the pid file: alive again, one restart counted.
            child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(seen(app, "service:child", "process.alive")).startsWith("process.alive=0.0"));
            second = new ProcessBuilder(DemoService.command(freePort())).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Files.writeString(pidFile, Long.toString(second.pid()));
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(seen(app, "service:child", "process.alive")).startsWith("process.alive=1.0");
                assertThat(seen(app, "service:child", "process.restarts")).startsWith("process.restarts=1.0");
            });

            JsonNode health = TestApp.parse(app.get(app.admin("/healthcheck")).body()).get("collectors");
            assertThat(health.get("healthy").asBoolean()).as(health.toString()).isTrue();
            assertThat(health.get("failing").toString()).contains("service:tcp-closed").doesNotContain("service:web");
            assertThat(app.getJson("/api/v1/plugins").findValuesAsText("id")).contains("probe.http", "probe.tcp", "probe.tls", "process.alive");
            JsonNode metrics = TestApp.parse(app.get(app.admin("/metrics")).body());
            assertThat(metrics.get("meters").get("homeostat.collectors.probe_tcp.failures").get("count").asLong()).isPositive();
            assertThat(metrics.get("meters").get("homeostat.collectors.probe_http.runs").get("count").asLong()).isPositive();
        } finally {
            web.stop(0);
            child.destroyForcibly();
            if (second != null) {
                second.destroyForcibly();
            }
        }
    }

    @Test
    void thePostgresCollectorSeesARealLongQueryAndARealLockChainWithTheirPids() throws Exception {
        String url = System.getProperty("homeostat.test.postgres.url", "jdbc:postgresql://127.0.0.1:5432/test");
        String user = System.getProperty("homeostat.test.postgres.user", "postgres");
        String table = "lock_probe_" + Long.toHexString(System.nanoTime());
        java.util.concurrent.ExecutorService sessions = java.util.concurrent.Executors.newFixedThreadPool(2);
        try (java.sql.Connection holder = java.sql.DriverManager.getConnection(url, user, "");
             java.sql.Connection sleeper = java.sql.DriverManager.getConnection(url, user, "");
             java.sql.Connection waiter = java.sql.DriverManager.getConnection(url, user, "")) {
            try (java.sql.Statement statement = holder.createStatement()) {
                statement.execute("CREATE TABLE " + table + " (id int)");
            }
            long holderPid = pid(holder);
            long sleeperPid = pid(sleeper);
            long waiterPid = pid(waiter);
            holder.setAutoCommit(false);
            try (java.sql.Statement statement = holder.createStatement()) {
                statement.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            }
            sessions.submit(() -> sleeper.createStatement().execute("SELECT pg_sleep(60)"));
            sessions.submit(() -> waiter.createStatement().executeQuery("SELECT count(*) FROM " + table));
            try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
                 TestApp app = TestApp.builder(directory, database).rule("collected.drl", RULES)
                         .collector(Map.of("collector", "postgres.stats", "resource", "db:test", "interval", "500ms", "timeout", "450ms",
                                 "settings", Map.of("url", url, "user", user, "longQuerySeconds", 1)))
                         .start()) {
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(seen(app, "db:test", "pg.up")).startsWith("pg.up=1.0 collector:postgres.stats");
                    assertThat(value(seen(app, "db:test", "pg.connections.used"))).isGreaterThanOrEqualTo(3);
                    assertThat(value(seen(app, "db:test", "pg.connections.max"))).isPositive();
                    assertThat(value(seen(app, "db:test", "pg.queries.long_running"))).isGreaterThanOrEqualTo(1);
                    assertThat(value(seen(app, "db:test", "pg.query.longest_seconds"))).as("the slow_query rule's metric").isGreaterThan(1);
                    assertThat(value(seen(app, "db:test", "pg.queries.blocked"))).isGreaterThanOrEqualTo(1);
                    assertThat(seen(app, "db:test", "pg.query.blocked_seconds")).contains("pid=" + waiterPid)
                            .contains("blocked_by=" + holderPid);
                    assertThat(value(seen(app, "db:test", "pg.query.longest_blocked_seconds"))).as("the lock_contention rule's metric")
                            .isGreaterThan(1);
                    assertThat(value(seen(app, "db:test", "pg.transaction.longest_idle_seconds"))).as("the holder sits in its transaction")
                            .isGreaterThan(1);
                });
                // The latest pg.query.seconds reading is of one of the long queries: the sleeper or the waiter, with its pid.
                assertThat(seen(app, "db:test", "pg.query.seconds")).containsAnyOf("pid=" + sleeperPid, "pid=" + waiterPid);
            } finally {
                holder.rollback();
                try (java.sql.Statement statement = holder.createStatement()) {
                    statement.execute("SELECT pg_cancel_backend(" + sleeperPid + ")");
                }
                holder.setAutoCommit(true);
                try (java.sql.Statement statement = holder.createStatement()) {
                    statement.execute("DROP TABLE IF EXISTS " + table);
                }
            }
        } finally {
            sessions.shutdownNow();
        }
    }

    private static long pid(java.sql.Connection connection) throws Exception {
        try (java.sql.Statement statement = connection.createStatement();
             java.sql.ResultSet rows = statement.executeQuery("SELECT pg_backend_pid()")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Test
    void aTargetWhoseCollectorIsNotLoadedOrWhoseSettingsAreWrongStopsStartUpNamingIt() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            assertThatThrownBy(() -> TestApp.builder(directory, database)
                    .collector(target("probe.htp", "service:web", Map.of("url", "http://127.0.0.1:1/")))
                    .collector(target("probe.http", "service:web", Map.of("url", "ftp://example")))
                    .collector(target("process.alive", "service:x", Map.of())).start())
                    .hasMessageContaining("collectors.targets[0] (probe.htp on service:web).collector: no loaded plugin provides collector "
                            + "'probe.htp'")
                    .hasMessageContaining("collectors.targets[1].settings.url must be an http or https URL")
                    .hasMessageContaining("collectors.targets[2].settings: give exactly one of 'pidFile' and 'commandMatches'");
        }
    }

    private static Map<String, Object> target(String collector, String resource, Map<String, Object> settings) {
        return Map.of("collector", collector, "resource", resource, "interval", "200ms", "timeout", "150ms", "jitter", "50ms",
                "labels", Map.of("team", "test"), "settings", settings);
    }

    /** A TLS server on loopback with a self-signed certificate (keytool) valid for {@code days}; it completes handshakes. */
    record TlsServer(SSLServerSocket socket, Thread acceptor) implements AutoCloseable {
        static TlsServer start(Path directory, int days) throws Exception {
            Path store = directory.resolve("tls.p12");
            String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
            Process made = new ProcessBuilder(keytool, "-genkeypair", "-alias", "test", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=homeostat-test", "-validity", Integer.toString(days), "-keystore", store.toString(),
                    "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit").redirectErrorStream(true).start();
            String output = new String(made.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(made.waitFor()).as(output).isZero();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, "changeit".toCharArray());
            }
            KeyManagerFactory managers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            managers.init(keys, "changeit".toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(managers.getKeyManagers(), null, null);
            SSLServerSocket server = (SSLServerSocket) context.getServerSocketFactory().createServerSocket(0, 50,
                    InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket client = server.accept()) {
                        ((SSLSocket) client).startHandshake();
                    } catch (Exception e) {
                        // A probe that hangs up after the handshake, or the server closing: next.
                    }
                }
            }, "test-tls-server");
            acceptor.setDaemon(true);
            acceptor.start();
            return new TlsServer(server, acceptor);
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }
}
