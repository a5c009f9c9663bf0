package io.homeostat.plugins.probe;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import io.homeostat.plugin.api.testing.TestCollectorContext;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** probe.http, probe.tcp and probe.tls against real local servers, through the plugin API's test context. */
class ProbesTest {
    @TempDir
    Path directory;

    private static double value(List<Reading> readings, String metric) {
        return readings.stream().filter(r -> r.metric().equals(metric)).findFirst().orElseThrow().value();
    }

    private static TestCollectorContext context(String resource, Map<String, Object> settings) {
        return new TestCollectorContext(resource, new PluginSettings("collectors.targets[0].settings", settings), Duration.ofSeconds(5));
    }

    @Test
    void theHttpProbeChecksStatusAndBody() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/ok", exchange -> {
            byte[] body = "status: ok".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.createContext("/broken", exchange -> {
            exchange.sendResponseHeaders(500, -1);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            HttpProbe probe = new HttpProbe();
            List<Reading> ok = probe.collect(context("service:a", Map.of("url", base + "/ok", "bodyMatches", "status: ok")));
            assertThat(value(ok, "probe.success")).isEqualTo(1.0);
            assertThat(value(ok, "http.status")).isEqualTo(200.0);
            assertThat(value(probe.collect(context("service:a", Map.of("url", base + "/ok", "bodyMatches", "degraded"))), "probe.success"))
                    .isEqualTo(0.0);
            List<Reading> broken = probe.collect(context("service:a", Map.of("url", base + "/broken")));
            assertThat(value(broken, "probe.success")).isEqualTo(0.0);
            assertThat(value(broken, "http.status")).isEqualTo(500.0);
            assertThat(probe.validate(new PluginSettings("t", Map.of("url", "ftp://x")))).isNotEmpty();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theTcpProbeTellsAnOpenPortFromAClosedOne() throws Exception {
        TcpProbe probe = new TcpProbe();
        try (ServerSocket open = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(value(probe.collect(context("service:b", Map.of("host", "127.0.0.1", "port", open.getLocalPort()))), "probe.success"))
                    .isEqualTo(1.0);
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        try {
            List<Reading> refused = probe.collect(context("service:b", Map.of("host", "127.0.0.1", "port", closed)));
            assertThat(value(refused, "probe.success")).isEqualTo(0.0);
        } catch (Exception e) {
            // A refusal may be thrown: the service then reports the probe's failed() readings.
            assertThat(value(probe.failed(context("service:b", Map.of("host", "127.0.0.1", "port", closed)), e.toString()), "probe.success"))
                    .isEqualTo(0.0);
        }
    }

    @Test
    void theTlsProbeReadsTheDaysLeftOfASelfSignedCertificate() throws Exception {
        Path store = directory.resolve("tls.p12");
        Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(), "-genkeypair",
                "-alias", "server", "-keyalg", "EC", "-dname", "CN=probe-test", "-validity", "5", "-keystore", store.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit").redirectErrorStream(true).start();
        assertThat(keytool.waitFor()).as(new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (var in = java.nio.file.Files.newInputStream(store)) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        factory.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(factory.getKeyManagers(), null, null);
        try (SSLServerSocket server = (SSLServerSocket) tls.getServerSocketFactory().createServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (SSLSocket socket = (SSLSocket) server.accept()) {
                    socket.startHandshake();
                } catch (Exception e) {
                    // the probe closes after the handshake
                }
            });
            acceptor.start();
            List<Reading> readings = new TlsCertificate().collect(context("cert:probe", Map.of("host", "127.0.0.1", "port", server.getLocalPort())));
            assertThat(value(readings, "cert.days_left")).isBetween(4.9, 5.01);
            assertThat(readings).filteredOn(r -> r.metric().equals("cert.days_left")).singleElement()
                    .satisfies(r -> assertThat(r.labels().get("subject")).contains("CN=probe-test"));
            acceptor.join(5_000);
        }
    }
}
