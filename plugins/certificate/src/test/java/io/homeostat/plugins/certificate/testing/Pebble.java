package io.homeostat.plugins.certificate.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Debian's {@code pebble} ACME test server on 127.0.0.1, with {@code pebble-challtestsrv} as its DNS
 * (every name resolves to 127.0.0.1) and a real HTTP server serving {@link #webroot()} on the port
 * pebble's http-01 validation connects to. Its TLS certificate is made with openssl for the run and is
 * what a client must trust ({@link #trustCaFile()}). {@code .ci/run} installs pebble and openssl.
 */
public final class Pebble implements AutoCloseable {
    private final Path directory;
    private final Process dns;
    private final Process pebble;
    private final HttpServer web;
    private final int acmePort;

    private Pebble(Path directory, Process dns, Process pebble, HttpServer web, int acmePort) {
        this.directory = directory;
        this.dns = dns;
        this.pebble = pebble;
        this.web = web;
        this.acmePort = acmePort;
    }

    public static Pebble start(Path directory) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/pebble")) || !Files.isExecutable(Path.of("/usr/bin/pebble-challtestsrv"))) {
            throw new IllegalStateException("Debian's pebble is not installed (.ci/run installs it: apt-get install -y pebble)");
        }
        Files.createDirectories(directory);
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                "-keyout", directory.resolve("tls-key.pem").toString(), "-out", directory.resolve("tls-cert.pem").toString(),
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-days", "2"));
        Path webroot = Files.createDirectories(directory.resolve("webroot"));
        HttpServer web = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        web.createContext("/", exchange -> {
            Path file = webroot.resolve(exchange.getRequestURI().getPath().substring(1)).normalize();
            byte[] body = file.startsWith(webroot) && Files.isRegularFile(file) ? Files.readAllBytes(file) : null;
            exchange.sendResponseHeaders(body == null ? 404 : 200, body == null ? -1 : body.length);
            if (body != null) {
                exchange.getResponseBody().write(body);
            }
            exchange.close();
        });
        web.start();
        int dnsPort = freePort();
        int acmePort = freePort();
        Files.writeString(directory.resolve("pebble.json"), """
                {"pebble": {"listenAddress": "127.0.0.1:%d", "managementListenAddress": "127.0.0.1:%d",
                  "certificate": "%s", "privateKey": "%s", "httpPort": %d, "tlsPort": %d,
                  "ocspResponderURL": "", "externalAccountBindingRequired": false}}
                """.formatted(acmePort, freePort(), directory.resolve("tls-cert.pem"), directory.resolve("tls-key.pem"),
                web.getAddress().getPort(), freePort()));
        Process dns = new ProcessBuilder("pebble-challtestsrv", "-defaultIPv6", "", "-dns01", "127.0.0.1:" + dnsPort, "-http01", "",
                "-https01", "", "-tlsalpn01", "", "-management", "127.0.0.1:" + freePort())
                .redirectErrorStream(true).redirectOutput(directory.resolve("challtestsrv.log").toFile()).start();
        ProcessBuilder builder = new ProcessBuilder("pebble", "-config", directory.resolve("pebble.json").toString(),
                "-dnsserver", "127.0.0.1:" + dnsPort).redirectErrorStream(true).redirectOutput(directory.resolve("pebble.log").toFile());
        builder.environment().put("PEBBLE_VA_NOSLEEP", "1");
        builder.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        builder.environment().put("PEBBLE_AUTHZREUSE", "0");
        Pebble started = new Pebble(directory, dns, builder.start(), web, acmePort);
        started.awaitDirectory();
        return started;
    }

    public URI directoryUrl() {
        return URI.create("https://127.0.0.1:" + acmePort + "/dir");
    }

    public Path trustCaFile() {
        return directory.resolve("tls-cert.pem");
    }

    public Path webroot() {
        return directory.resolve("webroot");
    }

    /** A self-signed certificate and key for a domain, valid for {@code days}: the pair a renewal replaces. */
    public static void selfSigned(String domain, int days, Path certificate, Path key) throws Exception {
        run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(),
                "-out", certificate.toString(), "-subj", "/CN=" + domain, "-addext", "subjectAltName=DNS:" + domain, "-days", Integer.toString(days)));
    }

    private void awaitDirectory() throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        try (var in = Files.newInputStream(trustCaFile())) {
            trusted.setCertificateEntry("pebble", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(1)).build();
        Instant until = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(until)) {
            if (!pebble.isAlive()) {
                throw new IllegalStateException("pebble exited: " + Files.readString(directory.resolve("pebble.log")));
            }
            try {
                if (client.send(HttpRequest.newBuilder(directoryUrl()).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("pebble did not answer at " + directoryUrl() + " within 20 s");
    }

    private static void run(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        pebble.destroy();
        dns.destroy();
        web.stop(0);
    }
}
