package io.homeostat.service.store;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.homeostat.service.model.AuditEvent;
import io.homeostat.service.model.AuditRecord;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.Jdbi;

/**
 * The append-only audit chain. Each row carries SHA-256 over the previous row's hash and its own
 * canonical content, so that changing, removing or inserting a row breaks every hash after it.
 * Appends are serialised by a lock on the single {@code audit_head} row (the newest sequence
 * number and hash), which holds across replicas sharing one database; each store appends in the
 * same transaction as the change it records, and last, so that locks are always taken in the
 * order data rows, then the head.
 */
public final class AuditStore {
    static final String GENESIS = "0".repeat(64);
    private static final String COLUMNS = "seq, at, tenant, actor, role, kind, subject, endpoint, reason, detail, previous_hash, hash";

    private final Jdbi jdbi;
    private final ObjectMapper canonical;

    AuditStore(Jdbi jdbi, ObjectMapper mapper) {
        this.jdbi = Objects.requireNonNull(jdbi, "jdbi");
        this.canonical = mapper.copy().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                .configure(SerializationFeature.INDENT_OUTPUT, false);
    }

    /** Appends in a transaction of its own (an API call that changes nothing else in the database). */
    public void append(AuditEvent event, Instant at) {
        jdbi.useTransaction(handle -> append(handle, event, at));
    }

    /** Appends inside the caller's transaction; call it last in that transaction. */
    void append(Handle handle, AuditEvent event, Instant at) {
        appendAll(handle, List.of(event), at);
    }

    /**
     * Appends several events in order inside the caller's transaction, reading and moving the head
     * once (an engine batch with many decisions takes the lock and writes the head one time).
     */
    void appendAll(Handle handle, List<AuditEvent> events, Instant at) {
        if (events.isEmpty()) {
            return;
        }
        Instant when = at.truncatedTo(ChronoUnit.MILLIS);
        var head = handle.createQuery("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE")
                .map((rs, ctx) -> new Object[] {rs.getLong("seq"), rs.getString("hash")}).one();
        long seq = (Long) head[0];
        String previous = (String) head[1];
        var insert = handle.prepareBatch("INSERT INTO audit (" + COLUMNS + ") VALUES (:seq, :at, :tenant, :actor, :role, :kind, "
                + ":subject, :endpoint, :reason, :detail, :previousHash, :hash)");
        for (AuditEvent event : events) {
            seq++;
            String detail = json(AuditMasking.mask(event.detail()));
            String reason = event.reason() == null ? null : DecisionStore.truncate(AuditMasking.maskText(event.reason()), 2000);
            AuditRecord unsealed = new AuditRecord(seq, when, event.tenant(), truncate(event.actor().name(), 128), event.actor().role(),
                    truncate(event.kind(), 64), truncate(event.subject(), 128), truncate(event.endpoint(), 256), reason, detail, previous,
                    "");
            String hash = hash(previous, canonical(unsealed));
            insert.bindMethods(new AuditRecord(unsealed.seq(), unsealed.at(), unsealed.tenant(), unsealed.actor(), unsealed.role(),
                    unsealed.kind(), unsealed.subject(), unsealed.endpoint(), unsealed.reason(), unsealed.detail(), previous, hash)).add();
            previous = hash;
        }
        insert.execute();
        handle.createUpdate("UPDATE audit_head SET seq = :seq, hash = :hash WHERE id = 1").bind("seq", seq).bind("hash", previous)
                .execute();
    }

    /** Rows of one tenant (and the global ones), or all when {@code tenant} is null; newest first. */
    public Page<AuditRecord> list(String tenant, String kind, String actor, String subject, Instant from, Instant to, int limit,
                                  int offset) {
        Filter filter = new Filter().equal("kind", kind).equal("actor", actor).equal("subject", subject);
        StringBuilder where = new StringBuilder(filter.where());
        if (tenant != null) {
            where.append(where.length() == 0 ? " WHERE" : " AND").append(" (tenant = :scope OR tenant IS NULL)");
        }
        if (from != null) {
            where.append(where.length() == 0 ? " WHERE" : " AND").append(" at >= :from");
        }
        if (to != null) {
            where.append(where.length() == 0 ? " WHERE" : " AND").append(" at < :to");
        }
        return jdbi.withHandle(handle -> {
            var count = handle.createQuery("SELECT COUNT(*) FROM audit" + where).bindMap(filter.bindings());
            var rows = handle.createQuery("SELECT " + COLUMNS + " FROM audit" + where + " ORDER BY seq DESC LIMIT :limit OFFSET :offset")
                    .bindMap(filter.bindings()).bind("limit", limit).bind("offset", offset);
            if (tenant != null) {
                count.bind("scope", tenant);
                rows.bind("scope", tenant);
            }
            if (from != null) {
                count.bind("from", from);
                rows.bind("from", from);
            }
            if (to != null) {
                count.bind("to", to);
                rows.bind("to", to);
            }
            return new Page<>(rows.map((rs, ctx) -> read(rs)).list(), count.mapTo(Long.class).one(), limit, offset);
        });
    }

    /** The outcome of checking the chain: valid, or the first row whose hash does not follow and why. */
    public record Verification(boolean valid, long rows, Long firstBadSeq, String problem) {
    }

    /** Where the chain in the database starts: the last row retention archived and deleted (0 and the genesis hash: none). */
    public record Base(long seq, String hash) {
    }

    public Base base() {
        return jdbi.withHandle(AuditStore::base);
    }

    private static Base base(Handle handle) {
        return handle.createQuery("SELECT seq, hash FROM audit_base WHERE id = 1").map((rs, ctx) -> new Base(rs.getLong("seq"), rs.getString("hash"))).one();
    }

    /** The oldest rows still in the database that were written before {@code before}, in order, at most {@code limit}. */
    public List<AuditRecord> oldest(Instant before, int limit) {
        return jdbi.withHandle(handle -> {
            List<AuditRecord> rows = handle.createQuery("SELECT " + COLUMNS + " FROM audit WHERE seq > :base ORDER BY seq LIMIT :limit")
                    .bind("base", base(handle).seq()).bind("limit", limit).map((rs, ctx) -> read(rs)).list();
            // Only an unbroken run from the start: the chain in the database must stay whole.
            int end = 0;
            while (end < rows.size() && rows.get(end).at().isBefore(before)) {
                end++;
            }
            return rows.subList(0, end);
        });
    }

    /**
     * Deletes the rows up to {@code last}, which the caller has archived, and makes {@code last} the base the
     * chain in the database follows from, in one transaction; refuses rows that do not start at the base.
     */
    public int deleteArchived(AuditRecord first, AuditRecord last) {
        return jdbi.inTransaction(handle -> {
            Base base = handle.createQuery("SELECT seq, hash FROM audit_base WHERE id = 1 FOR UPDATE")
                    .map((rs, ctx) -> new Base(rs.getLong("seq"), rs.getString("hash"))).one();
            if (first.seq() != base.seq() + 1 || !first.previousHash().equals(base.hash())) {
                throw new IllegalStateException("audit rows " + first.seq() + "-" + last.seq() + " do not follow the archived base row "
                        + base.seq() + "; nothing deleted");
            }
            int deleted = handle.createUpdate("DELETE FROM audit WHERE seq > :from AND seq <= :to").bind("from", base.seq())
                    .bind("to", last.seq()).execute();
            handle.createUpdate("UPDATE audit_base SET seq = :seq, hash = :hash WHERE id = 1").bind("seq", last.seq())
                    .bind("hash", last.hash()).execute();
            return deleted;
        });
    }

    /**
     * Checks archived rows (any order, a row archived twice counted once) as the database's rows are checked:
     * from row 1 and the genesis hash, each following the one before, up to {@code base}, where the database's
     * chain goes on. A gap names the first row missing.
     */
    public Verification verifyArchived(Iterator<AuditRecord> archived, Base base) {
        java.util.TreeMap<Long, AuditRecord> bySeq = new java.util.TreeMap<>();
        archived.forEachRemaining(row -> bySeq.putIfAbsent(row.seq(), row));
        String expectedPrevious = GENESIS;
        long expectedSeq = 1;
        for (AuditRecord row : bySeq.values()) {
            if (row.seq() > base.seq()) {
                break;
            }
            Verification broken = check(row, expectedSeq, expectedPrevious, expectedSeq - 1);
            if (broken != null) {
                return broken;
            }
            expectedPrevious = row.hash();
            expectedSeq++;
        }
        if (expectedSeq - 1 != base.seq() || !expectedPrevious.equals(base.hash())) {
            return new Verification(false, expectedSeq - 1, expectedSeq, "archived rows " + expectedSeq + " to " + base.seq()
                    + " are missing (the database's chain starts after row " + base.seq() + ")");
        }
        return new Verification(true, expectedSeq - 1, null, null);
    }

    private Verification check(AuditRecord row, long expectedSeq, String expectedPrevious, long rows) {
        if (row.seq() != expectedSeq) {
            return new Verification(false, rows, expectedSeq, "row " + expectedSeq + " is missing (the next row is " + row.seq() + ")");
        }
        if (!row.previousHash().equals(expectedPrevious)) {
            return new Verification(false, rows, row.seq(), "row " + row.seq() + " does not follow row " + (row.seq() - 1)
                    + ": its previous hash is not that row's hash");
        }
        if (!hash(row.previousHash(), canonical(row)).equals(row.hash())) {
            return new Verification(false, rows, row.seq(), "row " + row.seq() + " was changed: its content does not match its hash");
        }
        return null;
    }

    /**
     * Recomputes every hash in the database in order, from the base retention left (the last archived row);
     * names the first row that breaks the chain.
     */
    public Verification verify() {
        return jdbi.withHandle(handle -> {
            Base base = base(handle);
            String expectedPrevious = base.hash();
            long expectedSeq = base.seq() + 1;
            long rows = 0;
            try (Stream<AuditRecord> stream = handle.createQuery("SELECT " + COLUMNS + " FROM audit ORDER BY seq")
                    .setFetchSize(1_000).map((rs, ctx) -> read(rs)).stream()) {
                Iterator<AuditRecord> iterator = stream.iterator();
                while (iterator.hasNext()) {
                    AuditRecord row = iterator.next();
                    rows++;
                    Verification broken = check(row, expectedSeq, expectedPrevious, rows);
                    if (broken != null) {
                        return broken;
                    }
                    expectedPrevious = row.hash();
                    expectedSeq++;
                }
            }
            var head = handle.createQuery("SELECT seq, hash FROM audit_head WHERE id = 1")
                    .map((rs, ctx) -> new Object[] {rs.getLong("seq"), rs.getString("hash")}).one();
            if ((Long) head[0] != expectedSeq - 1 || !head[1].equals(expectedPrevious)) {
                return new Verification(false, rows, expectedSeq, "rows after " + (expectedSeq - 1) + " are missing (the chain's head is row "
                        + head[0] + ")");
            }
            return new Verification(true, rows, null, null);
        });
    }

    /** The content a row's hash covers, as one JSON array: every field but the hashes, times in epoch milliseconds. */
    private String canonical(AuditRecord row) {
        return json(Arrays.asList(row.seq(), row.at().toEpochMilli(), row.tenant(), row.actor(), row.role(), row.kind(), row.subject(),
                row.endpoint(), row.reason(), row.detail()));
    }

    static String hash(String previous, String content) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(previous.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) '\n');
            return HexFormat.of().formatHex(digest.digest(content.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    private String json(Object value) {
        try {
            return canonical.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("audit detail cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static String truncate(String text, int max) {
        return text == null ? null : DecisionStore.truncate(text, max);
    }

    private static AuditRecord read(ResultSet rs) throws SQLException {
        return new AuditRecord(rs.getLong("seq"), IssueStore.instant(rs, "at"), rs.getString("tenant"), rs.getString("actor"),
                rs.getString("role"), rs.getString("kind"), rs.getString("subject"), rs.getString("endpoint"), rs.getString("reason"),
                rs.getString("detail"), rs.getString("previous_hash"), rs.getString("hash"));
    }
}
