package io.homeostat.plugins.certificate;

import io.homeostat.plugin.api.PluginSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One managed certificate, under {@code certificates.<resource>}: where its {@code certificateFile}
 * (the chain, leaf first) and {@code keyFile} live, how it is renewed ({@code acme}, or a
 * {@code renewCommand} that writes the files itself, such as certbot), {@code renewBeforeDays} (30: a
 * certificate with more days left is not renewed again), and the {@code reloadCommand} run after the new
 * pair is in place, each command under {@code commandTimeoutSeconds} (120).
 */
record CertificateTarget(String resource, Path certificateFile, Path keyFile, Optional<AcmeSettings> acme, List<String> renewCommand,
                         List<String> reloadCommand, Duration commandTimeout, int renewBeforeDays) {

    static CertificateTarget parse(PluginSettings section, String resource) {
        Path certificate = absolute(section, "certificateFile");
        Path key = absolute(section, "keyFile");
        Optional<AcmeSettings> acme = section.has("acme") ? Optional.of(AcmeSettings.parse(section.section("acme"))) : Optional.empty();
        List<String> renewCommand = section.stringList("renewCommand");
        if (acme.isPresent() == !renewCommand.isEmpty()) {
            throw new IllegalArgumentException(section.path() + " needs exactly one of acme or renewCommand");
        }
        return new CertificateTarget(resource, certificate, key, acme, renewCommand, section.stringList("reloadCommand"),
                section.seconds("commandTimeoutSeconds", Duration.ofSeconds(120)), section.integer("renewBeforeDays", 30, 1, 365));
    }

    private static Path absolute(PluginSettings section, String key) {
        Path path = Path.of(section.requiredString(key));
        if (!path.isAbsolute()) {
            throw new IllegalArgumentException(section.path() + "." + key + " must be an absolute path, was '" + path + "'");
        }
        return path;
    }

    static List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        PluginSettings certificates = settings.section("certificates");
        for (String resource : certificates.keys()) {
            try {
                parse(certificates.section(resource), resource);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    static Optional<CertificateTarget> of(PluginSettings settings, String resource) {
        PluginSettings certificates = settings.section("certificates");
        return certificates.has(resource) ? Optional.of(parse(certificates.section(resource), resource)) : Optional.empty();
    }
}
