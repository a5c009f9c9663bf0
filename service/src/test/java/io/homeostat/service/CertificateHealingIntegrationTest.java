package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.plugins.certificate.testing.Pebble;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The certificate plugin end to end: probe.tls reads a real TLS server's certificate with 10 days left,
 * the shipped cert_expiring rules choose {@code certificate.renew}, the gates pass it, the plugin jar the
 * build produced renews through Debian's pebble ACME server (http-01 validated against a real web
 * server), the TLS server presents the new certificate from the files, and the probe's next reading
 * resolves the issue.
 */
class CertificateHealingIntegrationTest {
    private static final String DOMAIN = "shop.homeostat.test";

    @TempDir
    Path directory;

    @Test
    void anExpiringCertificateTheProbeSeesIsRenewedThroughAcme() throws Exception {
        Path certificate = Files.createDirectories(directory.resolve("tls")).resolve("fullchain.pem");
        Path key = directory.resolve("tls/privkey.pem");
        Pebble.selfSigned(DOMAIN, 10, certificate, key);
        Path reloads = directory.resolve("reloads.log");
        try (Pebble pebble = Pebble.start(directory.resolve("pebble"));
             PemTlsServer tls = PemTlsServer.start(certificate, key);
             TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database)
                     .collector(Map.of("collector", "probe.tls", "resource", "cert:shop", "interval", "1s", "timeout", "900ms",
                             "settings", Map.of("host", "127.0.0.1", "port", tls.port(), "serverName", DOMAIN)))
                     .pluginSettings("certificate", Map.of("backupDirectory", directory.resolve("backups").toString(),
                             "certificates", Map.of("cert:shop", Map.of(
                                     "certificateFile", certificate.toString(), "keyFile", key.toString(),
                                     "reloadCommand", List.of("/bin/sh", "-c", "echo reloaded >> " + reloads),
                                     "acme", Map.of("directory", pebble.directoryUrl().toString(), "agreeToTerms", "true",
                                             "accountKeyFile", directory.resolve("acme/account.pem").toString(), "domains", List.of(DOMAIN),
                                             "webroot", pebble.webroot().toString(), "trustCaFile", pebble.trustCaFile().toString())))))
                     .policy("resolveQuietPeriod", "1s")
                     .start()) {
            JsonNode remediation = HealingLoopIntegrationTest.awaitRemediation(app, "succeeded");
            assertThat(remediation.get("actionId").asText()).isEqualTo("certificate.renew");
            assertThat(remediation.get("details").get("issuer").asText()).contains("Pebble Intermediate CA");
            assertThat(Files.readAllLines(reloads)).containsExactly("reloaded");
            String issueId = remediation.get("issueId").asText();
            assertThat(app.getJson("/api/v1/issues/" + issueId).get("issue").get("type").asText()).isEqualTo("cert_expiring");
            // The server now presents the renewed certificate; the probe reads years left, and the issue resolves.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(app.getJson("/api/v1/issues/" + issueId).get("issue").get("state").asText()).isEqualTo("resolved"));
        }
    }

    /** A TLS server that reads its key and certificate from PEM files at each connection, as a server does after a reload. */
    record PemTlsServer(ServerSocket socket, Thread acceptor) implements AutoCloseable {
        static PemTlsServer start(Path certificate, Path key) throws IOException {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try (Socket plain = server.accept();
                         SSLSocket tls = (SSLSocket) context(certificate, key).getSocketFactory().createSocket(plain, null, plain.getPort(), true)) {
                        tls.setUseClientMode(false);
                        tls.setSoTimeout(2_000);
                        tls.startHandshake();
                    } catch (Exception e) {
                        // a probe that closes after the handshake, or the server closing
                    }
                }
            }, "test-pem-tls-server");
            acceptor.setDaemon(true);
            acceptor.start();
            return new PemTlsServer(server, acceptor);
        }

        int port() {
            return socket.getLocalPort();
        }

        private static SSLContext context(Path certificate, Path key) throws Exception {
            String pem = Files.readString(key);
            byte[] der = Base64.getMimeDecoder().decode(pem.replaceAll("-----[A-Z ]+-----", ""));
            PrivateKey privateKey = KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            Certificate[] chain;
            try (var in = Files.newInputStream(certificate)) {
                chain = CertificateFactory.getInstance("X.509").generateCertificates(in).toArray(new Certificate[0]);
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", privateKey, new char[0], chain);
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, new char[0]);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
