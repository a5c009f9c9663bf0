package io.homeostat.service.engine.facts;

/**
 * A fact whose rule timer counts a delay from when its activation was created. When the fact is
 * carried into a new session (a rule reload), the delay must be what is left, not the whole delay
 * again: {@link #rebased} returns the fact to insert, its timer delay set from {@code now}.
 */
public interface Rescheduled {
    Object rebased(long now);
}
