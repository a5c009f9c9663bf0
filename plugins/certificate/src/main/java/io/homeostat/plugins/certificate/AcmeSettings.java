package io.homeostat.plugins.certificate;

import io.homeostat.plugin.api.PluginSettings;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How one certificate is renewed through ACME: the CA's {@code directory} (an https URL, or acme4j's
 * {@code acme://letsencrypt.org}), the account's {@code email} and key file ({@code accountKeyFile},
 * created on first use, 0600), {@code agreeToTerms} (must be true: the operator accepts the CA's terms),
 * the {@code domains}, the http-01 {@code webroot} (the token is written under
 * {@code .well-known/acme-challenge/}, which the web server must serve), the new key's {@code keyType}
 * (ec-p256), and {@code trustCaFile} to trust a private CA's TLS certificate for the directory (step-ca, a
 * test server).
 */
record AcmeSettings(URI directory, Optional<String> email, Path accountKeyFile, List<String> domains, Path webroot, String keyType,
                    Optional<Path> trustCaFile) {
    private static final Pattern DOMAIN = Pattern.compile("(\\*\\.)?([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)*[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    static AcmeSettings parse(PluginSettings acme) {
        String text = acme.requiredString("directory");
        URI directory;
        try {
            directory = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(acme.path() + ".directory must be an https URL or acme://..., was '" + text + "'");
        }
        if (!List.of("https", "acme").contains(String.valueOf(directory.getScheme())) || directory.getHost() == null) {
            throw new IllegalArgumentException(acme.path() + ".directory must be an https URL or acme://..., was '" + text + "'");
        }
        if (!"true".equals(acme.string("agreeToTerms").orElse(""))) {
            throw new IllegalArgumentException(acme.path() + ".agreeToTerms must be true: renewing creates an account under the CA's terms of service");
        }
        List<String> domains = acme.stringList("domains");
        if (domains.isEmpty()) {
            throw new IllegalArgumentException(acme.path() + ".domains must list at least one domain");
        }
        for (String domain : domains) {
            if (!DOMAIN.matcher(domain).matches() || domain.startsWith("*.")) {
                throw new IllegalArgumentException(acme.path() + ".domains: '" + domain + "' is not a domain name http-01 can validate");
            }
        }
        String keyType = acme.string("keyType").orElse("ec-p256");
        if (!Pem.KEY_TYPES.contains(keyType)) {
            throw new IllegalArgumentException(acme.path() + ".keyType must be one of " + Pem.KEY_TYPES + ", was '" + keyType + "'");
        }
        return new AcmeSettings(directory, acme.string("email"), Path.of(acme.requiredString("accountKeyFile")), domains,
                Path.of(acme.requiredString("webroot")), keyType, acme.string("trustCaFile").map(Path::of));
    }
}
