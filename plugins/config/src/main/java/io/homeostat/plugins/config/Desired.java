package io.homeostat.plugins.config;

import io.homeostat.plugin.support.Hashes;

/** The desired version of a file: its bytes and where they came from (a directory's file, or a commit's path). */
record Desired(byte[] content, String origin) {
    String sha256() {
        return Hashes.sha256(content);
    }
}
