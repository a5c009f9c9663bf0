package io.homeostat.service.engine.facts;

import java.util.Locale;

/**
 * How far automation is trusted with one action on one kind of problem, for one tenant: observe
 * (decide and record what would run, run nothing), suggest (wait for a human's approval) or auto.
 * Rules promote a pair one step at a time as its record earns it, and demote it one step on a run
 * of failures (rules/autonomy.drl).
 */
public enum AutonomyMode {
    OBSERVE, SUGGEST, AUTO;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code label} (any case); an unknown name is an error that lists the known ones. */
    public static AutonomyMode fromLabel(String label) {
        for (AutonomyMode mode : values()) {
            if (mode.label().equalsIgnoreCase(label == null ? "" : label.strip())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown autonomy mode '" + label + "' (known: observe, suggest, auto)");
    }

    /** One step more trusted; auto stays auto. */
    public AutonomyMode promoted() {
        return this == OBSERVE ? SUGGEST : AUTO;
    }

    /** One step less trusted; observe stays observe. */
    public AutonomyMode demoted() {
        return this == AUTO ? SUGGEST : OBSERVE;
    }
}
