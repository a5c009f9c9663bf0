package io.homeostat.plugins.certificate;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.testing.TestActionContext;
import io.homeostat.plugins.certificate.testing.Pebble;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** certificate.renew against Debian's pebble ACME server (http-01 validated against a real web server), and through a real command. */
class RenewActionTest {
    private static final String DOMAIN = "shop.homeostat.test";

    @TempDir
    static Path shared;
    private static Pebble pebble;

    @TempDir
    Path directory;
    private Path certificate;
    private Path key;
    private Path reloads;

    @BeforeAll
    static void startPebble() throws Exception {
        pebble = Pebble.start(shared.resolve("pebble"));
    }

    @AfterAll
    static void stopPebble() {
        pebble.close();
    }

    @BeforeEach
    void expiringPair() throws Exception {
        certificate = directory.resolve("tls/fullchain.pem");
        key = directory.resolve("tls/privkey.pem");
        Files.createDirectories(certificate.getParent());
        Pebble.selfSigned(DOMAIN, 10, certificate, key);
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        reloads = directory.resolve("reloads.log");
    }

    private Map<String, Object> acme(String directoryUrl) {
        return Map.of("directory", directoryUrl, "email", "ops@homeostat.test", "agreeToTerms", "true",
                "accountKeyFile", directory.resolve("acme/account.pem").toString(), "domains", List.of(DOMAIN),
                "webroot", pebble.webroot().toString(), "trustCaFile", pebble.trustCaFile().toString());
    }

    private TestActionContext context(Map<String, Object> renewal) {
        Map<String, Object> entry = new HashMap<>(renewal);
        entry.put("certificateFile", certificate.toString());
        entry.put("keyFile", key.toString());
        entry.put("reloadCommand", List.of("/bin/sh", "-c", "echo reloaded >> " + reloads));
        return new TestActionContext("cert:shop", Map.of(), new PluginSettings("plugins.settings.certificate", Map.of(
                "backupDirectory", directory.resolve("backups").toString(), "certificates", Map.of("cert:shop", entry))), Duration.ofSeconds(60));
    }

    private X509Certificate leaf() throws Exception {
        return Pem.certificates(Files.readAllBytes(certificate)).get(0);
    }

    @Test
    void anExpiringCertificateIsRenewedThroughAcmeAndTheRollbackPutsTheOldPairBack() throws Exception {
        byte[] oldCertificate = Files.readAllBytes(certificate);
        byte[] oldKey = Files.readAllBytes(key);
        RenewAction renew = new RenewAction();
        TestActionContext context = context(Map.of("acme", acme(pebble.directoryUrl().toString())));
        String snapshot = renew.snapshot(context).orElseThrow();

        ActionResult result = renew.execute(context);

        assertThat(result.succeeded()).as(result.message()).isTrue();
        X509Certificate renewed = leaf();
        assertThat(renewed.getIssuerX500Principal().getName()).contains("Pebble Intermediate CA");
        assertThat(renewed.getSubjectAlternativeNames()).anySatisfy(name -> assertThat(name.get(1)).isEqualTo(DOMAIN));
        assertThat(Long.parseLong(result.details().get("daysLeft"))).isGreaterThan(30);
        // The new key is the certificate's, and stays private.
        var pair = Pem.readKeyPair(Files.readString(key) + "-----BEGIN PUBLIC KEY-----\n"
                + java.util.Base64.getMimeEncoder().encodeToString(renewed.getPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----\n");
        var signature = java.security.Signature.getInstance("SHA256withECDSA");
        signature.initSign(pair.getPrivate());
        signature.update(new byte[] {1, 2, 3});
        byte[] signed = signature.sign();
        signature.initVerify(renewed.getPublicKey());
        signature.update(new byte[] {1, 2, 3});
        assertThat(signature.verify(signed)).as("the key file's key is the certificate's").isTrue();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(directory.resolve("acme/account.pem")))).isEqualTo("rw-------");
        assertThat(Files.readAllLines(reloads)).containsExactly("reloaded");
        try (var tokens = Files.list(pebble.webroot().resolve(".well-known/acme-challenge"))) {
            assertThat(tokens).as("challenge tokens removed").isEmpty();
        }
        // The snapshot the service stores names the saved copies; it never holds the key.
        assertThat(snapshot).doesNotContain("PRIVATE KEY");

        // Again (a retry, a restart): the certificate is no longer due, nothing is ordered.
        ActionResult again = renew.execute(context);
        assertThat(again.succeeded()).isTrue();
        assertThat(again.message()).contains("not renewed again");
        assertThat(leaf()).isEqualTo(renewed);

        ActionResult undone = renew.rollback(context, snapshot);
        assertThat(undone.succeeded()).as(undone.message()).isTrue();
        assertThat(Files.readAllBytes(certificate)).isEqualTo(oldCertificate);
        assertThat(Files.readAllBytes(key)).isEqualTo(oldKey);
        assertThat(Files.readAllLines(reloads)).containsExactly("reloaded", "reloaded");
    }

    @Test
    void aFailedHttp01ChallengeIsAFailedAttemptAndTheFilesStayAsTheyWere() throws Exception {
        byte[] oldCertificate = Files.readAllBytes(certificate);
        Map<String, Object> acme = new HashMap<>(acme(pebble.directoryUrl().toString()));
        acme.put("webroot", directory.resolve("not-served").toString());   // the token lands where the web server does not look
        ActionResult result = new RenewAction().execute(context(Map.of("acme", acme)));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.retryable()).isFalse();
        assertThat(result.message()).contains("http-01 for " + DOMAIN + " is INVALID");
        assertThat(Files.readAllBytes(certificate)).isEqualTo(oldCertificate);
        assertThat(reloads).doesNotExist();
    }

    @Test
    void anUnreachableAcmeServerIsARetryableFailure() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        ActionResult result = new RenewAction().execute(context(Map.of("acme", acme("https://127.0.0.1:" + closed + "/dir"))));
        assertThat(result.succeeded()).isFalse();
        assertThat(result.retryable()).as(result.message()).isTrue();
        assertThat(result.message()).startsWith("the ACME server https://127.0.0.1:" + closed + "/dir could not be reached");
    }

    @Test
    void aRenewCommandMustActuallyRenewTheCertificate() throws Exception {
        String renewal = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout " + key + " -out " + certificate
                + " -subj /CN=" + DOMAIN + " -days 90 2>/dev/null";
        ActionResult renewed = new RenewAction().execute(context(Map.of("renewCommand", List.of("/bin/sh", "-c", renewal))));
        assertThat(renewed.succeeded()).as(renewed.message()).isTrue();
        assertThat(renewed.details()).containsEntry("via", "command /bin/sh");
        assertThat(Long.parseLong(renewed.details().get("daysLeft"))).isBetween(88L, 90L);

        Pebble.selfSigned(DOMAIN, 10, certificate, key);
        ActionResult nothing = new RenewAction().execute(context(Map.of("renewCommand", List.of("/bin/true"))));
        assertThat(nothing.succeeded()).isFalse();
        assertThat(nothing.message()).contains("the renew command succeeded but " + certificate + " was not renewed");
    }

    @Test
    void badSettingsNameTheirPaths() {
        List<String> problems = new RenewAction().validate(new PluginSettings("plugins.settings.certificate", Map.of("certificates", Map.of(
                "cert:a", Map.of("certificateFile", "/etc/a.pem", "keyFile", "/etc/a.key"),
                "cert:b", Map.of("certificateFile", "/etc/b.pem", "keyFile", "/etc/b.key", "acme", Map.of("directory", "http://ca", "agreeToTerms", "true")),
                "cert:c", Map.of("certificateFile", "/etc/c.pem", "keyFile", "/etc/c.key", "acme", Map.of("directory", "https://ca/dir",
                        "accountKeyFile", "/a", "webroot", "/w", "domains", List.of("x.test")))))));
        assertThat(problems).containsExactlyInAnyOrder(
                "plugins.settings.certificate.certificates.\"cert:a\" needs exactly one of acme or renewCommand",
                "plugins.settings.certificate.certificates.\"cert:b\".acme.directory must be an https URL or acme://..., was 'http://ca'",
                "plugins.settings.certificate.certificates.\"cert:c\".acme.agreeToTerms must be true: renewing creates an account under the CA's terms of service");
    }
}
