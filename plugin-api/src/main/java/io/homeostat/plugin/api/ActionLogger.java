package io.homeostat.plugin.api;

/**
 * Where a plugin reports what it is doing. Lines are attached to the remediation record and the
 * service log, tagged with the remediation id, so that an operator sees them next to the outcome.
 */
public interface ActionLogger {
    void info(String message);

    void warn(String message);
}
