package io.homeostat.service.engine;

import com.cronutils.model.CronType;
import com.cronutils.model.definition.CronDefinitionBuilder;
import com.cronutils.model.time.ExecutionTime;
import com.cronutils.parser.CronParser;
import io.homeostat.service.engine.facts.ActiveWindow;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * A configured maintenance or change-freeze window: opens at each time its (Unix, five-field) cron
 * expression matches, in its time zone, and stays open for its duration; applies to every
 * resource or to those carrying one label value.
 */
public final class WindowSchedule {
    private static final CronParser PARSER = new CronParser(CronDefinitionBuilder.instanceDefinitionFor(CronType.UNIX));

    private final String name;
    private final String kind;
    private final ExecutionTime schedule;
    private final Duration duration;
    private final ZoneId zone;
    private final String labelKey;
    private final String labelValue;

    /**
     * @param label {@code key=value}, or null for a window that covers every resource
     * @throws IllegalArgumentException when the cron expression or the label is not valid
     */
    public WindowSchedule(String name, String kind, String cron, Duration duration, ZoneId zone, String label) {
        this.name = Objects.requireNonNull(name, "name");
        this.kind = Objects.requireNonNull(kind, "kind");
        this.schedule = ExecutionTime.forCron(PARSER.parse(cron).validate());
        this.duration = Objects.requireNonNull(duration, "duration");
        this.zone = Objects.requireNonNull(zone, "zone");
        if (label == null || label.isBlank()) {
            labelKey = null;
            labelValue = null;
        } else {
            int equals = label.indexOf('=');
            if (equals <= 0 || equals == label.length() - 1) {
                throw new IllegalArgumentException("label must be key=value, was '" + label + "'");
            }
            labelKey = label.substring(0, equals);
            labelValue = label.substring(equals + 1);
        }
    }

    public String name() {
        return name;
    }

    /** The window as a fact when it is open at {@code now}, empty otherwise. */
    public Optional<ActiveWindow> openAt(long now) {
        ZonedDateTime at = Instant.ofEpochMilli(now).atZone(zone);
        // The last start at or before now: a start exactly now counts.
        Optional<ZonedDateTime> start = schedule.isMatch(at.withNano(0).withSecond(0)) ? Optional.of(at.withNano(0).withSecond(0))
                : schedule.lastExecution(at);
        if (start.isEmpty()) {
            return Optional.empty();
        }
        long until = start.get().toInstant().plus(duration).toEpochMilli();
        return until > now ? Optional.of(new ActiveWindow(name, kind, labelKey, labelValue, until)) : Optional.empty();
    }
}
