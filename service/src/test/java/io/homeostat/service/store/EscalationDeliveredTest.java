package io.homeostat.service.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.homeostat.service.model.EscalationRecord;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.time.Instant;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sender the shutdown interrupted still records how its delivery ended, on the H2 file database,
 * and the database keeps working: an interrupt during H2's file I/O would otherwise close its file
 * channel and fail this write and every one after it.
 */
class EscalationDeliveredTest {
    @TempDir
    Path directory;

    @Test
    void anInterruptedSenderStillRecordsItsDeliveryAndTheDatabaseStaysUsable() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            database.migrate();
            Jdbi jdbi = Jdbi.create(database.url(), database.user(), "");
            Store store = new Store(jdbi, io.dropwizard.jackson.Jackson.newObjectMapper());
            Instant now = Instant.parse("2026-12-02T00:00:00Z");
            for (int i = 0; i < 40; i++) {
                EscalationRecord escalation = new EscalationRecord("e" + i, "i" + i, "default", "service:x", "service_down", "why", now,
                        EscalationRecord.PENDING, "", null);
                jdbi.useHandle(handle -> store.escalations().insertIfNew(handle, escalation));
                Thread.currentThread().interrupt();
                try {
                    store.escalations().deliveredTo("e" + i, "notify.webhook", EscalationRecord.SENT, "delivered " + i, now, java.util.List.of("notify.webhook"));
                } finally {
                    assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
                }
            }
            int sent = jdbi.withHandle(handle -> handle.createQuery("SELECT COUNT(*) FROM escalations WHERE state = 'sent'")
                    .mapTo(Integer.class).one());
            assertThat(sent).isEqualTo(40);
        }
    }

    @Test
    void theEscalationIsSentOnlyWhenEveryChannelHasItAndFailedWhileOneFailed() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory)) {
            database.migrate();
            Jdbi jdbi = Jdbi.create(database.url(), database.user(), "");
            Store store = new Store(jdbi, io.dropwizard.jackson.Jackson.newObjectMapper());
            Instant now = Instant.parse("2026-12-02T00:00:00Z");
            jdbi.useHandle(handle -> store.escalations().insertIfNew(handle, new EscalationRecord("e", "i", "default", "service:x",
                    "service_down", "why", now, EscalationRecord.PENDING, "", null)));
            java.util.List<String> channels = java.util.List.of("notify.slack", "notify.alertmanager");
            EscalationStore escalations = store.escalations();
            escalations.deliveredTo("e", "notify.slack", EscalationRecord.SENT, "posted", now, channels);
            assertThat(state(jdbi)).isEqualTo("pending");
            escalations.deliveredTo("e", "notify.alertmanager", EscalationRecord.FAILED, "could not be reached", now, channels);
            assertThat(state(jdbi)).isEqualTo("failed");
            String message = jdbi.withHandle(handle -> handle.createQuery("SELECT message FROM escalations").mapTo(String.class).one());
            assertThat(message)
                    .isEqualTo("notify.slack: sent (posted); notify.alertmanager: failed (could not be reached)");
            escalations.deliveredTo("e", "notify.alertmanager", EscalationRecord.SENT, "202", now.plusSeconds(60), channels);
            assertThat(state(jdbi)).isEqualTo("sent");
            assertThat(escalations.deliveries("e")).extracting(d -> d.channel() + "/" + d.state() + "/" + d.attempts())
                    .containsExactly("notify.slack/sent/1", "notify.alertmanager/sent/2");
        }
    }

    private static String state(Jdbi jdbi) {
        return jdbi.withHandle(handle -> handle.createQuery("SELECT state FROM escalations").mapTo(String.class).one());
    }
}
