package io.homeostat.service.execution;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.homeostat.service.model.IssueRecord;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The log tells an issue's story: opened, verified, failed verification, resolved; one line each. */
class IssueLogTest {
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger("io.homeostat.issues");

    @BeforeEach
    void attach() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
    }

    private static IssueRecord issue(String state) {
        Instant opened = Instant.parse("2026-11-30T10:00:00Z");
        return new IssueRecord("i-1", "default", "f", "service:web", "service_down", "high", "application", state,
                "3 failed probes", "rule", 3, opened, opened, state.equals("resolved") ? opened.plusSeconds(300) : null, opened,
                List.of(), null, null, null);
    }

    @Test
    void oneLinePerStepThatMattersAndNothingForTheSameStateTwice() {
        IssueLog log = new IssueLog();
        for (String state : List.of("open", "open", "remediating", "verifying", "open", "remediating", "verifying", "recovering",
                "resolved")) {
            log.committed(issue(state));
        }
        assertThat(lines.list).extracting(ILoggingEvent::getFormattedMessage).containsExactly(
                "issue i-1 opened: service_down on service:web (tenant default), severity high: 3 failed probes",
                "issue i-1 failed verification: service_down on service:web (tenant default) did not stay clear after the fix; "
                        + "the next strategy is considered",
                "issue i-1 verified: service_down on service:web (tenant default) cleared after the fix; it resolves after the quiet period",
                "issue i-1 resolved: service_down on service:web (tenant default) after PT5M");
    }
}
