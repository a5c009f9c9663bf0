package io.homeostat.service.intake;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Hands out one shared instance per distinct name (resource, metric, tenant, source, unit). The
 * engine compares and hashes these strings for every signal; equal strings that are the same
 * instance compare by identity and keep their cached hash. Bounded: past the limit the cache is
 * dropped and refilled, so a flood of distinct names costs memory once, not forever.
 */
final class Canonicalizer {
    private final int limit;
    private volatile ConcurrentHashMap<String, String> names = new ConcurrentHashMap<>();

    Canonicalizer(int limit) {
        this.limit = limit;
    }

    String canonical(String name) {
        if (name == null) {
            return null;
        }
        ConcurrentHashMap<String, String> current = names;
        String known = current.putIfAbsent(name, name);
        if (known != null) {
            return known;
        }
        if (current.size() > limit) {
            names = new ConcurrentHashMap<>();
        }
        return name;
    }
}
