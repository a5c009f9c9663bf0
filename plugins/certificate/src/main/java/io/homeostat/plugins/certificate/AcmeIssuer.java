package io.homeostat.plugins.certificate;

import io.homeostat.plugin.support.AtomicFiles;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Problem;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.exception.AcmeException;

/**
 * One certificate through ACME (RFC 8555) with acme4j: the account (its key created on first use),
 * an order for the domains, each authorization proven by http-01 (the key authorization written under
 * the webroot, removed afterwards), a new key pair, the CSR, the issued chain.
 */
final class AcmeIssuer {
    /** A token becomes a file name: only the base64url alphabet RFC 8555 gives it, whatever a server sends. */
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9_-]{16,256}");
    /** Two renewals at once must not both create the account key. */
    private static final Object ACCOUNT_KEY = new Object();

    record Issued(byte[] chainPem, byte[] keyPem, java.security.PublicKey publicKey) {
    }

    /** The CA refused or a challenge failed: final, with the CA's own words. */
    static final class Refused extends Exception {
        private static final long serialVersionUID = 1L;

        Refused(String message) {
            super(message, null, false, false);
        }
    }

    private AcmeIssuer() {
    }

    static Issued issue(AcmeSettings acme, Duration budget) throws AcmeException, IOException, GeneralSecurityException, InterruptedException, Refused {
        Instant deadline = Instant.now().plus(budget);
        Session session = acme.directory().getScheme().equals("acme") ? new Session(acme.directory())
                : new Session(acme.directory(), new DirectoryProvider(acme.trustCaFile()));
        session.networkSettings().setTimeout(step(deadline, Duration.ofSeconds(30)));
        AccountBuilder builder = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey(acme.accountKeyFile()));
        acme.email().ifPresent(builder::addEmail);
        Account account = builder.create(session);
        Order order = account.newOrder().domains(acme.domains()).create();
        List<Path> tokens = new ArrayList<>();
        try {
            for (Authorization authorization : order.getAuthorizations()) {
                if (authorization.getStatus() != Status.VALID) {
                    prove(acme, authorization, tokens, deadline);
                }
            }
            Status ready = order.waitUntilReady(step(deadline, budget));
            if (ready != Status.READY) {
                throw new Refused("the order is " + ready + ", not ready to finalize" + problem(order.getError().orElse(null)));
            }
            KeyPair key = Pem.generate(acme.keyType());
            order.execute(key);
            Status valid = order.waitForCompletion(step(deadline, budget));
            if (valid != Status.VALID) {
                throw new Refused("the order is " + valid + " after finalizing" + problem(order.getError().orElse(null)));
            }
            StringWriter chain = new StringWriter();
            order.getCertificate().writeCertificate(chain);
            return new Issued(chain.toString().getBytes(StandardCharsets.US_ASCII), Pem.privateKey(key.getPrivate()).getBytes(StandardCharsets.US_ASCII),
                    key.getPublic());
        } finally {
            for (Path token : tokens) {
                Files.deleteIfExists(token);
            }
        }
    }

    private static void prove(AcmeSettings acme, Authorization authorization, List<Path> tokens, Instant deadline)
            throws AcmeException, IOException, InterruptedException, Refused {
        String domain = authorization.getIdentifier().getDomain();
        Http01Challenge challenge = authorization.findChallenge(Http01Challenge.class)
                .orElseThrow(() -> new Refused("the CA offers no http-01 challenge for " + domain));
        String token = challenge.getToken();
        if (!TOKEN.matcher(token).matches()) {
            throw new Refused("the CA sent a token for " + domain + " that is not base64url; nothing was written");
        }
        Path directory = Files.createDirectories(acme.webroot().resolve(".well-known").resolve("acme-challenge"));
        Path file = directory.resolve(token);
        tokens.add(file);
        AtomicFiles.write(file, challenge.getAuthorization().getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString("rw-r--r--"));
        challenge.trigger();
        Status status = challenge.waitForCompletion(step(deadline, Duration.ofMinutes(5)));
        if (status != Status.VALID) {
            throw new Refused("http-01 for " + domain + " is " + status + problem(challenge.getError().orElse(null)));
        }
    }

    private static KeyPair accountKey(Path file) throws IOException, GeneralSecurityException {
        synchronized (ACCOUNT_KEY) {
            if (Files.exists(file)) {
                return Pem.readKeyPair(Files.readString(file, StandardCharsets.US_ASCII));
            }
            KeyPair pair = Pem.generate("ec-p256");
            Files.createDirectories(file.toAbsolutePath().getParent());
            AtomicFiles.write(file, Pem.keyPair(pair).getBytes(StandardCharsets.US_ASCII), PosixFilePermissions.fromString("rw-------"));
            return pair;
        }
    }

    private static Duration step(Instant deadline, Duration most) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            return Duration.ofSeconds(1);
        }
        return left.compareTo(most) < 0 ? left : most;
    }

    private static String problem(Problem problem) {
        if (problem == null) {
            return "";
        }
        return ": " + problem.getDetail().orElse(problem.getType().toString()) + " (" + problem.getType() + ")";
    }
}
