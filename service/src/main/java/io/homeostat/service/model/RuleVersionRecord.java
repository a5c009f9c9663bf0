package io.homeostat.service.model;

import java.time.Instant;
import java.util.Map;

/**
 * An accepted rule version: its content hash, its files (name → DRL), how many rules it has, what
 * caused it (start-up, a file change, the reload task, a rollback) and how long the swap held the engine.
 */
public record RuleVersionRecord(String id, String version, Map<String, String> files, int ruleCount, String cause, Long swapMillis,
                                Instant createdAt) {
}
