package io.homeostat.service.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Makes and hashes API keys. A key is {@code hst_} and 256 random bits (base64url): the prefix
 * lets secret scanners recognise a leaked key. Only SHA-256 of the key is stored. A slow password
 * hash (bcrypt, Argon2) protects low-entropy secrets against guessing; a 256-bit random key cannot
 * be guessed, so a fast hash is as safe and lets every request be authenticated by one indexed
 * look-up instead of a deliberately slow computation (the same construction as GitHub's tokens).
 */
public final class KeyMaterial {
    public static final String PREFIX = "hst_";
    /** Keys supplied from outside (HOMEOSTAT_ADMIN_KEY) must be at least this long: about 128 bits in base64. */
    public static final int MIN_SUPPLIED_LENGTH = 24;

    private static final SecureRandom RANDOM = new SecureRandom();

    private KeyMaterial() {
    }

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The stored form of a key: SHA-256, hex. */
    public static String hash(String key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** Why a key supplied by an operator is too weak to accept, or null when it is acceptable. */
    public static String weakness(String key) {
        if (key.length() < MIN_SUPPLIED_LENGTH) {
            return "an API key must be at least " + MIN_SUPPLIED_LENGTH + " characters (128 bits of randomness); "
                    + "generate one with: openssl rand -base64 32";
        }
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c <= ' ' || c >= 127) {
                return "an API key may hold only printable ASCII characters without spaces";
            }
        }
        return null;
    }
}
