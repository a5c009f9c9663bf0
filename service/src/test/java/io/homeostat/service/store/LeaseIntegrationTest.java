package io.homeostat.service.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.homeostat.service.cluster.ClusterAdmission;
import io.homeostat.service.model.DecisionRecord;
import io.homeostat.service.model.Lease;
import io.homeostat.service.model.RemediationRecord;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Resource leases and fencing on both databases, as two replicas sharing one see them: a lease is
 * exclusive until it expires, a takeover raises the token, every write of an attempt under a lost
 * lease is refused and changes nothing, an attempt whose runner lost its lease is an orphan for the
 * sweep, and the cluster's admission counts every replica's attempts.
 */
class LeaseIntegrationTest {
    private static final Duration SHORT = Duration.ofMillis(800);
    private static final Duration LONG = Duration.ofMinutes(5);

    @TempDir
    Path directory;

    private Store store;
    private Jdbi jdbi;

    private TestDatabase open(TestDatabase.Kind kind) throws Exception {
        TestDatabase database = TestDatabase.create(kind, directory);
        database.migrate();
        jdbi = Jdbi.create(database.url(), database.user(), "");
        store = new Store(jdbi, io.dropwizard.jackson.Jackson.newObjectMapper());
        return database;
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aLeaseIsExclusiveUntilItExpiresAndATakeoverRaisesItsToken(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase ignored = open(kind)) {
            Lease a = store.leases().acquire("default", "service:web", "a/1", LONG).lease().orElseThrow();
            assertThat(store.leases().renew(a, SHORT)).as("renewed while it runs (now for a short time)").isPresent();
            LeaseStore.Acquisition refused = store.leases().acquire("default", "service:web", "b/1", SHORT);
            assertThat(refused.lease()).isEmpty();
            assertThat(refused.heldBy()).map(LeaseStore.Holder::holder).contains("a/1");
            assertThat(store.leases().acquire("default", "service:other", "b/1", SHORT).lease()).as("another resource is free").isPresent();

            Thread.sleep(SHORT.toMillis() + 300);
            Lease b = store.leases().acquire("default", "service:web", "b/1", LONG).lease().orElseThrow();
            assertThat(b.token()).isGreaterThan(a.token());
            assertThat(store.leases().holds(a)).isFalse();
            assertThat(store.leases().renew(a, SHORT)).as("a lease taken over cannot be renewed").isEmpty();
            assertThat(store.leases().holds(b)).isTrue();
            store.leases().release(a); // a stale release changes nothing
            assertThat(store.leases().holds(b)).isTrue();
            store.leases().release(b);
            assertThat(store.leases().holder("default", "service:web")).isEmpty();
            assertThat(store.leases().acquire("default", "service:web", "a/2", LONG).lease().orElseThrow().token())
                    .as("the token only grows, also after a release").isGreaterThan(b.token());
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void everyWriteUnderALostLeaseIsRefusedAndChangesNothing(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase ignored = open(kind)) {
            RemediationRecord attempt = pending("a", "service:web", decision("service:web", List.of()));
            Lease a = store.leases().acquire("default", "service:web", "a/1", SHORT).lease().orElseThrow();
            Thread.sleep(SHORT.toMillis() + 300); // replica a paused past its lease
            Lease b = store.leases().acquire("default", "service:web", "b/1", LONG).lease().orElseThrow();
            Instant now = Instant.now();

            assertThatThrownBy(() -> store.remediations().markRunning(attempt.id(), "process", now, a, RemediationStore.Admission.ALWAYS))
                    .isInstanceOf(LeaseLostException.class);
            assertThat(state(attempt)).isEqualTo("pending");

            assertThat(store.remediations().markRunning(attempt.id(), "process", now, b, RemediationStore.Admission.ALWAYS).started())
                    .isTrue();
            assertThatThrownBy(() -> store.remediations().finish(attempt.id(), "succeeded", "a woke up", Map.of(), now, 1L, 1, a))
                    .isInstanceOf(LeaseLostException.class);
            assertThatThrownBy(() -> store.remediations().saveSnapshot(attempt.id(), "{}", a)).isInstanceOf(LeaseLostException.class);
            assertThatThrownBy(() -> store.remediations().interruptRunning(store.remediations().find(attempt.id()).orElseThrow(), "a", now, a))
                    .isInstanceOf(LeaseLostException.class);
            assertThat(state(attempt)).isEqualTo("running");
            assertThat(store.remediations().snapshot(attempt.id())).isEmpty();
            assertThat(store.remediations().orphaned()).as("b holds its resource: not an orphan").isEmpty();

            store.leases().release(b); // b stops holding it without finishing: the attempt is an orphan now
            assertThat(store.remediations().orphaned()).extracting(RemediationRecord::id).containsExactly(attempt.id());
            Lease c = store.leases().acquire("default", "service:web", "c/1", LONG).lease().orElseThrow();
            store.remediations().finish(attempt.id(), "succeeded", "reconciled", Map.of(), now, 1L, 1, c);
            assertThat(state(attempt)).isEqualTo("succeeded");
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void aRestartedReplicaReleasesItsEarlierRunsLeasesOnly(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase ignored = open(kind)) {
            store.leases().acquire("default", "service:one", "a/old", LONG);
            store.leases().acquire("default", "service:two", "a_b/old", LONG); // a replica whose name only starts like a's
            store.leases().acquire("default", "service:three", "b/1", LONG);
            assertThat(store.leases().releaseEarlierRuns("a", "a/new")).isEqualTo(1);
            assertThat(store.leases().holder("default", "service:one")).isEmpty();
            assertThat(store.leases().holder("default", "service:two")).isPresent();
            assertThat(store.leases().holder("default", "service:three")).isPresent();
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void theAdmissionHoldsBackASecondReplicaAndCountsLimitsOverEveryReplica(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase ignored = open(kind)) {
            // Replica a restarted service:web; its effect is judged for a minute.
            RemediationRecord first = pending("a", "service:web", decision("service:web", List.of()));
            Lease a = store.leases().acquire("default", "service:web", "a/1", SHORT).lease().orElseThrow();
            assertThat(store.remediations().markRunning(first.id(), "process", Instant.now(), a, RemediationStore.Admission.ALWAYS)
                    .started()).isTrue();
            Thread.sleep(SHORT.toMillis() + 300); // a stopped renewing: its attempt still says running until someone reconciles it
            DecisionRecord second = decision("service:web", List.of());
            RemediationRecord attempt = pending("b", "service:web", second);
            ClusterAdmission admissionOfB = new ClusterAdmission("b", action -> 60_000, () -> 300_000, Duration.ofSeconds(30));

            Optional<RemediationStore.Refusal> running = refusal(attempt, second, admissionOfB, null);
            assertThat(running).map(RemediationStore.Refusal::gate).contains("cluster.resource");
            assertThat(running.get().reason()).contains("replica a is remediating service:web");

            Lease reconciling = store.leases().acquire("default", "service:web", "a/2", LONG).lease().orElseThrow();
            store.remediations().finish(first.id(), "succeeded", "restarted", Map.of(), Instant.now(), 10L, 1, reconciling);
            store.leases().release(reconciling);
            assertThat(state(attempt)).as("held back: called off with the reason").isEqualTo("cancelled");
            assertThat(store.remediations().find(attempt.id()).orElseThrow().message()).startsWith("cluster.resource: replica a is remediating");
            DecisionRecord third = decision("service:web", List.of());
            Optional<RemediationStore.Refusal> judged = refusal(pending("b", "service:web", third), third, admissionOfB, null);
            assertThat(judged).map(RemediationStore.Refusal::gate).contains("cluster.resource");
            assertThat(judged.get().reason()).contains("replica a remediated service:web");
            assertThat(judged.get().retryAfter()).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(61));

            ClusterAdmission quickVerification = new ClusterAdmission("b", action -> 0, () -> 300_000, Duration.ofSeconds(30));
            DecisionRecord after = decision("service:web", List.of());
            assertThat(refusal(pending("b", "service:web", after), after, quickVerification, null)).as("its effect was judged").isEmpty();

            // A tenant's limit of 2 a minute, passed in b's session (it counted only its own, 1): the database has a's too
            // (the attempts held back do not count).
            List<DecisionRecord.ExplanationEntry> rate = List.of(new DecisionRecord.ExplanationEntry("gate: remediations per tenant per minute",
                    "rate.tenant", "pass", "1 of 2", Map.of("count", 1, "limit", 2, "window", "1m")));
            DecisionRecord limited = decision("service:api", rate);
            Optional<RemediationStore.Refusal> limit = refusal(pending("b", "service:api", limited), limited, quickVerification, null);
            assertThat(limit).map(RemediationStore.Refusal::gate).contains("cluster.rate.tenant");
            assertThat(limit.get().figures()).containsEntry("count", 2L).containsEntry("limit", 2L);

            // An operator paused auto-remediation through replica a: b's session does not know, the database does.
            jdbi.useHandle(handle -> handle.execute("INSERT INTO auto_remediation (scope, enabled, changed_by, reason, changed_at) "
                    + "VALUES ('*', FALSE, 'ops', 'incident review', CURRENT_TIMESTAMP)"));
            DecisionRecord paused = decision("service:db", List.of());
            assertThat(refusal(pending("b", "service:db", paused), paused, quickVerification, null)).map(RemediationStore.Refusal::gate)
                    .contains("cluster.auto-remediation");
            DecisionRecord manual = decision("service:db", List.of(new DecisionRecord.ExplanationEntry("gate: auto-remediation is switched on",
                    "auto-remediation", "pass", "an operator asked", Map.of("manual", true))));
            assertThat(refusal(pending("b", "service:db", manual), manual, quickVerification, null)).as("an operator's own run passes")
                    .isEmpty();
            jdbi.useHandle(handle -> handle.execute("DELETE FROM auto_remediation"));

            // a's engine opened the breaker of process.restart on service:cache; b's has not seen those failures.
            jdbi.useHandle(handle -> handle.execute("INSERT INTO breakers (tenant, resource, action_id, state, consecutive_failures, opened_at, "
                    + "updated_at) VALUES ('default', 'service:cache', 'process.restart', 'open', 2, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"));
            DecisionRecord broken = decision("service:cache", List.of());
            Optional<RemediationStore.Refusal> breaker = refusal(pending("b", "service:cache", broken), broken, quickVerification, null);
            assertThat(breaker).map(RemediationStore.Refusal::gate).contains("cluster.breaker");
            assertThat(breaker.get().retryAfter()).isGreaterThan(Duration.ofMinutes(4));
        }
    }

    private Optional<RemediationStore.Refusal> refusal(RemediationRecord attempt, DecisionRecord decision, ClusterAdmission admission,
                                                       Void unused) {
        Lease lease = store.leases().acquire(attempt.tenant(), attempt.resource(), attempt.replicaId() + "/1", LONG).lease().orElseThrow();
        try {
            return store.remediations().markRunning(attempt.id(), "process", Instant.now(), lease, admission.of(attempt, decision)).refused();
        } finally {
            store.leases().release(lease);
        }
    }

    private String state(RemediationRecord attempt) {
        return store.remediations().find(attempt.id()).orElseThrow().state();
    }

    private DecisionRecord decision(String resource, List<DecisionRecord.ExplanationEntry> explanation) {
        String issue = UUID.randomUUID().toString();
        String id = UUID.randomUUID().toString();
        Instant now = Instant.now();
        jdbi.useHandle(handle -> {
            handle.createUpdate("INSERT INTO issues (id, tenant, fingerprint, resource, type, severity, category, state, summary, opened_by, "
                            + "evidence_count, opened_at, last_evidence_at, updated_at) VALUES (:id, 'default', :id, :resource, 'service_down', "
                            + "'high', 'availability', 'remediating', 'down', 'test', 1, :now, :now, :now)")
                    .bind("id", issue).bind("resource", resource).bind("now", now).execute();
            handle.createUpdate("INSERT INTO decisions (id, issue_id, tenant, resource, issue_type, severity, action_id, parameters, outcome, "
                            + "reason, explanation, decided_at) VALUES (:id, :issue, 'default', :resource, 'service_down', 'high', "
                            + "'process.restart', '{}', 'run', 'all gates passed', '[]', :now)")
                    .bind("id", id).bind("issue", issue).bind("resource", resource).bind("now", now).execute();
        });
        return new DecisionRecord(id, issue, null, "default", resource, "service_down", "high", "process.restart", Map.of(), "run",
                "all gates passed", explanation, now, null);
    }

    private RemediationRecord pending(String replica, String resource, DecisionRecord decision) {
        RemediationRecord attempt = RemediationRecord.pending(UUID.randomUUID().toString(), decision, Instant.now(), replica);
        jdbi.useHandle(handle -> store.remediations().insertPending(handle, attempt));
        return attempt;
    }
}
