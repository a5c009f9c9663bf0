package io.homeostat.plugin.support;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 of file contents: drift is a difference of hashes, and messages quote hashes, never contents (a config file may hold secrets). */
public final class Hashes {
    private Hashes() {
    }

    public static String sha256(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    public static String shortly(String sha256) {
        return sha256.substring(0, 12);
    }
}
