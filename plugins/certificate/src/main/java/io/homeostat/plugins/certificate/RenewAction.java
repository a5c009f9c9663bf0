package io.homeostat.plugins.certificate;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.RiskLevel;
import io.homeostat.plugin.support.AtomicFiles;
import io.homeostat.plugin.support.Commands;
import io.homeostat.plugin.support.FileBackups;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.pf4j.Extension;
import org.shredzone.acme4j.exception.AcmeException;
import org.shredzone.acme4j.exception.AcmeNetworkException;
import org.shredzone.acme4j.exception.AcmeRateLimitedException;
import org.shredzone.acme4j.exception.AcmeServerException;

/**
 * {@code certificate.renew}: renews a certificate through ACME or its {@code renewCommand}, puts the new
 * key and chain in place atomically (the key first, so the chain never names a key that is not there),
 * and runs the {@code reloadCommand}. The old pair is the snapshot, copied to {@code backupDirectory}
 * (never into the snapshot string the service stores: it holds a private key); rollback puts it back and
 * reloads. A certificate with more than {@code renewBeforeDays} left is a success that changes nothing,
 * so a retried or restarted attempt does not order a second certificate.
 */
@Extension
public class RenewAction implements RemediationAction {
    @Override
    public String id() {
        return "certificate.renew";
    }

    @Override
    public ActionMetadata metadata() {
        return new ActionMetadata("Renew a TLS certificate through ACME or the configured command, then reload; the old pair is kept",
                RiskLevel.LOW, 1.0, true, Set.of("cert_expiring"), 0.8);
    }

    @Override
    public List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>(CertificateTarget.validate(settings));
        try {
            backups(settings);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    static FileBackups backups(PluginSettings settings) {
        return new FileBackups(Path.of(settings.string("backupDirectory").orElse("data/certificate-backups")),
                Duration.ofDays(settings.integer("backupRetentionDays", 90, 1, 3650)));
    }

    @Override
    public Optional<String> snapshot(ActionContext context) throws Exception {
        Optional<CertificateTarget> target = CertificateTarget.of(context.settings(), context.resource());
        if (target.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(backups(context.settings()).save(List.of(target.get().keyFile(), target.get().certificateFile()),
                context.remediationId()).encode());
    }

    @Override
    public ActionResult execute(ActionContext context) throws Exception {
        Optional<CertificateTarget> found = CertificateTarget.of(context.settings(), context.resource());
        if (found.isEmpty()) {
            return ActionResult.notApplicable("resource " + context.resource() + " is not under " + context.settings().path()
                    + ".certificates; nothing was renewed", Map.of());
        }
        CertificateTarget target = found.get();
        Map<String, String> details = new LinkedHashMap<>();
        Optional<X509Certificate> before = leaf(target.certificateFile());
        before.ifPresent(certificate -> details.put("previousNotAfter", certificate.getNotAfter().toInstant().toString()));
        if (before.isPresent() && daysLeft(before.get()) > target.renewBeforeDays()) {
            return ActionResult.success(target.certificateFile() + " has " + days(before.get()) + " days left, more than renewBeforeDays ("
                    + target.renewBeforeDays() + "): not renewed again", details);
        }
        try {
            if (target.acme().isPresent()) {
                AcmeSettings acme = target.acme().get();
                AcmeIssuer.Issued issued = AcmeIssuer.issue(acme, context.remaining());
                X509Certificate leaf = Pem.certificates(issued.chainPem()).get(0);
                if (!leaf.getPublicKey().equals(issued.publicKey())) {
                    return ActionResult.failure("the CA issued a certificate for another key; nothing was written", details);
                }
                AtomicFiles.write(target.keyFile(), issued.keyPem(), PosixFilePermissions.fromString("rw-------"));
                AtomicFiles.write(target.certificateFile(), issued.chainPem(), PosixFilePermissions.fromString("rw-r--r--"));
                details.put("via", "acme " + acme.directory());
            } else {
                Optional<String> failed = Commands.run(target.renewCommand(), target.commandTimeout());
                if (failed.isPresent()) {
                    return ActionResult.failure("the renew command failed: " + failed.get(), details);
                }
                Optional<X509Certificate> after = leaf(target.certificateFile());
                if (after.isEmpty() || before.isPresent() && !after.get().getNotAfter().after(before.get().getNotAfter())) {
                    return ActionResult.failure("the renew command succeeded but " + target.certificateFile() + " was not renewed (notAfter "
                            + after.map(c -> c.getNotAfter().toInstant().toString()).orElse("absent") + ")", details);
                }
                details.put("via", "command " + target.renewCommand().get(0));
            }
        } catch (AcmeNetworkException e) {
            return ActionResult.transientFailure("the ACME server " + target.acme().orElseThrow().directory() + " could not be reached: "
                    + reason(e), details);
        } catch (AcmeRateLimitedException e) {
            return ActionResult.failure("the ACME server refused: rate limited" + e.getRetryAfter().map(at -> " until " + at).orElse("")
                    + ": " + e.getProblem().getDetail().orElse(""), details);
        } catch (AcmeServerException e) {
            return ActionResult.failure("the ACME server refused: " + e.getProblem().getDetail().orElse(e.getType().toString())
                    + " (" + e.getType() + ")", details);
        } catch (AcmeException | AcmeIssuer.Refused e) {
            return ActionResult.failure("ACME: " + e.getMessage(), details);
        }
        X509Certificate renewed = leaf(target.certificateFile()).orElseThrow();
        details.put("notAfter", renewed.getNotAfter().toInstant().toString());
        details.put("daysLeft", Long.toString(days(renewed)));
        details.put("serial", renewed.getSerialNumber().toString(16));
        details.put("issuer", renewed.getIssuerX500Principal().getName());
        String done = "renewed " + target.certificateFile() + ": valid until " + renewed.getNotAfter().toInstant() + " (" + days(renewed)
                + " days), issued by " + renewed.getIssuerX500Principal().getName();
        return reload(target, done, details);
    }

    @Override
    public ActionResult rollback(ActionContext context, String snapshot) throws Exception {
        Optional<CertificateTarget> target = CertificateTarget.of(context.settings(), context.resource());
        FileBackups.Snapshot saved = FileBackups.Snapshot.decode(snapshot);
        Map<String, String> details = new LinkedHashMap<>();
        if (target.isEmpty() || !saved.entries().stream().map(FileBackups.Entry::path).toList()
                .equals(List.of(target.get().keyFile(), target.get().certificateFile()))) {
            return ActionResult.failure("the snapshot is of files config no longer lists for " + context.resource() + "; nothing restored", details);
        }
        FileBackups.restore(saved);
        return reload(target.get(), "restored the key and certificate of " + context.resource() + " as they were before " + context.remediationId(),
                details);
    }

    /** Renewing is idempotent by its check: a restarted attempt finds the new certificate in place, or renews. */
    @Override
    public Optional<ActionResult> reconcile(ActionContext context, Instant startedAt) throws Exception {
        return Optional.of(execute(context));
    }

    private static ActionResult reload(CertificateTarget target, String done, Map<String, String> details) throws IOException, InterruptedException {
        if (target.reloadCommand().isEmpty()) {
            return ActionResult.success(done, details);
        }
        Optional<String> failed = Commands.run(target.reloadCommand(), target.commandTimeout());
        if (failed.isPresent()) {
            details.put("reload", "failed");
            return ActionResult.failure(done + "; the reload failed: " + failed.get(), details);
        }
        details.put("reload", "ok");
        return ActionResult.success(done + "; reloaded", details);
    }

    private static Optional<X509Certificate> leaf(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            List<X509Certificate> chain = Pem.certificates(Files.readAllBytes(file));
            return chain.isEmpty() ? Optional.empty() : Optional.of(chain.get(0));
        } catch (GeneralSecurityException e) {
            return Optional.empty();        // unreadable counts as absent: renewing replaces it
        }
    }

    private static double daysLeft(X509Certificate certificate) {
        return (certificate.getNotAfter().getTime() - System.currentTimeMillis()) / 86_400_000.0;
    }

    private static long days(X509Certificate certificate) {
        return (long) Math.floor(daysLeft(certificate));
    }

    private static String reason(AcmeNetworkException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
