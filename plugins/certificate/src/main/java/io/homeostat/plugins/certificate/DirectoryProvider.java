package io.homeostat.plugins.certificate;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;

/**
 * An ACME server reached at its https directory URL, as acme4j's generic provider does, optionally
 * trusting the CA certificates in a PEM file ({@code trustCaFile}) for the connection: a private ACME
 * server (step-ca, a test server) has a TLS certificate the JDK's trust store does not know. Only this
 * client trusts them, never the whole service.
 */
final class DirectoryProvider extends GenericAcmeProvider {
    private final Optional<Path> trustCaFile;

    DirectoryProvider(Optional<Path> trustCaFile) {
        this.trustCaFile = trustCaFile;
    }

    @Override
    public HttpClient createHttpClient(NetworkSettings settings) {
        if (trustCaFile.isEmpty()) {
            return super.createHttpClient(settings);
        }
        HttpClient.Builder builder = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).connectTimeout(settings.getTimeout())
                .proxy(settings.getProxySelector()).sslContext(sslContext(trustCaFile.get()));
        if (settings.getAuthenticator() != null) {
            builder.authenticator(settings.getAuthenticator());
        }
        return builder.build();
    }

    private static SSLContext sslContext(Path caFile) {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + i++, certificate);
            }
            if (i == 0) {
                throw new IllegalStateException("trustCaFile " + caFile + " holds no certificate");
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("trustCaFile " + caFile + " could not be read: " + e.getMessage(), e);
        }
    }
}
