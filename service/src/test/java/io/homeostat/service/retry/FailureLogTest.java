package io.homeostat.service.retry;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class FailureLogTest {
    @Test
    void aRepeatedCauseIsTracedOnceThenCountedAtPowersOfTwo() {
        Logger logger = (Logger) LoggerFactory.getLogger("io.homeostat.test.failures");
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        try {
            FailureLog log = new FailureLog(logger);
            IllegalArgumentException cause = new IllegalArgumentException("plugins.settings.notify.url is required");
            for (int i = 0; i < 100; i++) {
                log.threw("notify.webhook", cause);
            }
            log.threw("notify.webhook", new IllegalStateException("other"));
            assertThat(lines.list).hasSize(1 + 6 + 1); // 1 traced, at 2, 4, 8, 16, 32, 64; the other cause traced
            assertThat(lines.list.get(0).getThrowableProxy()).isNotNull();
            assertThat(lines.list.get(1).getThrowableProxy()).isNull();
            assertThat(lines.list.get(6).getFormattedMessage()).isEqualTo(
                    "notify.webhook threw IllegalArgumentException: plugins.settings.notify.url is required again, 64 times so far");
            assertThat(log.count("notify.webhook", cause)).isEqualTo(100);
        } finally {
            logger.detachAppender(lines);
        }
    }
}
