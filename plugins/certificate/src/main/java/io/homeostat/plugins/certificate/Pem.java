package io.homeostat.plugins.certificate;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keys and certificates as PEM with the JDK alone: a private key as PKCS#8 ({@code PRIVATE KEY}, what
 * nginx, HAProxy and Envoy read), an account key pair as that plus its {@code PUBLIC KEY}. The JDK's key
 * generators are used rather than acme4j's helpers, which need Bouncy Castle registered as a JVM-wide
 * security provider: a plugin must not change the whole service's providers (nor pin its class loader
 * in them).
 */
final class Pem {
    private static final Pattern BLOCK = Pattern.compile("-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");

    private Pem() {
    }

    static KeyPair generate(String keyType) throws GeneralSecurityException {
        return switch (keyType) {
            case "ec-p256" -> ec("secp256r1");
            case "ec-p384" -> ec("secp384r1");
            case "rsa-2048" -> rsa(2048);
            case "rsa-3072" -> rsa(3072);
            case "rsa-4096" -> rsa(4096);
            default -> throw new IllegalArgumentException("unknown key type " + keyType);
        };
    }

    static final List<String> KEY_TYPES = List.of("ec-p256", "ec-p384", "rsa-2048", "rsa-3072", "rsa-4096");

    private static KeyPair ec(String curve) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static KeyPair rsa(int bits) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(bits);
        return generator.generateKeyPair();
    }

    static String privateKey(PrivateKey key) {
        return block("PRIVATE KEY", key.getEncoded());
    }

    static String keyPair(KeyPair pair) {
        return privateKey(pair.getPrivate()) + block("PUBLIC KEY", pair.getPublic().getEncoded());
    }

    static KeyPair readKeyPair(String text) throws GeneralSecurityException {
        byte[] privateDer = null;
        byte[] publicDer = null;
        Matcher matcher = BLOCK.matcher(text);
        while (matcher.find()) {
            byte[] der = Base64.getMimeDecoder().decode(matcher.group(2));
            if (matcher.group(1).equals("PRIVATE KEY")) {
                privateDer = der;
            } else if (matcher.group(1).equals("PUBLIC KEY")) {
                publicDer = der;
            }
        }
        if (privateDer == null || publicDer == null) {
            throw new GeneralSecurityException("not a PRIVATE KEY and PUBLIC KEY pair in PEM");
        }
        for (String algorithm : List.of("EC", "RSA")) {
            try {
                KeyFactory factory = KeyFactory.getInstance(algorithm);
                PrivateKey privateKey = factory.generatePrivate(new PKCS8EncodedKeySpec(privateDer));
                PublicKey publicKey = factory.generatePublic(new X509EncodedKeySpec(publicDer));
                return new KeyPair(publicKey, privateKey);
            } catch (GeneralSecurityException e) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException("the key pair is neither EC nor RSA");
    }

    /** The certificates of a PEM chain, the leaf first. */
    @SuppressWarnings("unchecked")
    static List<X509Certificate> certificates(byte[] pem) throws GeneralSecurityException {
        return (List<X509Certificate>) (List<?>) List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(new ByteArrayInputStream(pem)));
    }

    private static String block(String type, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der);
        return "-----BEGIN " + type + "-----\n" + body + "\n-----END " + type + "-----\n";
    }
}
