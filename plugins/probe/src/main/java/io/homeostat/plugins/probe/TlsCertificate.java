package io.homeostat.plugins.probe;

import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.pf4j.Extension;

/**
 * {@code probe.tls}: opens a TLS handshake with {@code host}:{@code port} and reports
 * {@code cert.days_left} of the certificate the server presents (fractional days until its
 * notAfter; negative once expired), with its subject and issuer as labels. It reads the
 * certificate whether or not it is trusted (an expired or self-signed one must be reported, not
 * refused) and sends nothing over the connection.
 */
@Extension
public class TlsCertificate implements Collector {
    @Override
    public String id() {
        return "probe.tls";
    }

    @Override
    public String description() {
        return "TLS handshake with host:port: cert.days_left of the server's certificate (settings: host, port 443, serverName)";
    }

    @Override
    public List<String> validate(PluginSettings target) {
        List<String> problems = new ArrayList<>();
        try {
            target.requiredString("host");
            target.integer("port", 443, 1, 65_535);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @Override
    public List<Reading> collect(CollectorContext context) throws Exception {
        PluginSettings settings = context.settings();
        String host = settings.requiredString("host");
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(null, new TrustManager[] {new ReadAnything()}, null);
        int timeout = (int) Math.max(1, context.remaining().toMillis());
        try (Socket plain = new Socket()) {
            plain.connect(new InetSocketAddress(host, settings.integer("port", 443, 1, 65_535)), timeout);
            plain.setSoTimeout(timeout);
            try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket(plain, host, plain.getPort(), false)) {
                SSLParameters parameters = socket.getSSLParameters();
                String serverName = settings.string("serverName").orElse(host);
                if (!serverName.matches("[0-9.:]+")) {
                    parameters.setServerNames(List.of(new SNIHostName(serverName)));
                }
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                Certificate[] chain = socket.getSession().getPeerCertificates();
                X509Certificate leaf = (X509Certificate) chain[0];
                double days = Duration.between(Instant.now(), leaf.getNotAfter().toInstant()).toMillis() / 86_400_000.0;
                return List.of(Reading.of("cert.days_left", days, "days").labelled(Map.of(
                        "subject", abbreviate(leaf.getSubjectX500Principal().getName()),
                        "issuer", abbreviate(leaf.getIssuerX500Principal().getName()),
                        "notAfter", leaf.getNotAfter().toInstant().toString())), Reading.of("probe.success", 1));
            }
        }
    }

    @Override
    public List<Reading> failed(CollectorContext context, String cause) {
        return List.of(Reading.of("probe.success", 0));
    }

    private static String abbreviate(String text) {
        return text.length() <= 200 ? text : text.substring(0, 197) + "...";
    }

    /** Lets the handshake finish whatever the certificate: this probe reads it, it does not trust it with anything. */
    private static final class ReadAnything implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
            // Never a server's concern here.
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
            // Read, not trusted: nothing is sent over this connection.
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
