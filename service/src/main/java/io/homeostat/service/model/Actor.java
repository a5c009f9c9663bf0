package io.homeostat.service.model;

import java.util.Objects;

/**
 * Who did something, as the audit records it: an API key (its name and role, and the endpoint it
 * called) or a part of the service itself (the engine deciding, the executor acting, start-up
 * reconciling, the command line).
 */
public record Actor(String name, String role, String endpoint) {
    public static final Actor ENGINE = new Actor("engine", null, null);
    public static final Actor EXECUTOR = new Actor("executor", null, null);
    public static final Actor START_UP = new Actor("start-up", null, null);
    public static final Actor COMMAND_LINE = new Actor("command line", null, null);
    public static final Actor RULE_SET = new Actor("rule set", null, null);

    public Actor {
        Objects.requireNonNull(name, "name");
    }
}
