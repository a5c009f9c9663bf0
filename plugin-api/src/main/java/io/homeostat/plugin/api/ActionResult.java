package io.homeostat.plugin.api;

import java.util.Map;
import java.util.Objects;

/**
 * What an action reports back. A thrown exception is recorded as a failure too; returning a
 * result lets the plugin say precisely what happened.
 *
 * @param succeeded whether the action did what it was asked to do
 * @param message one line for operators
 * @param details figures worth keeping with the record (old and new pid, HTTP status, ...)
 */
public record ActionResult(boolean succeeded, String message, Map<String, String> details) {
    public ActionResult {
        Objects.requireNonNull(message, "message");
        details = Map.copyOf(Objects.requireNonNull(details, "details"));
    }

    public static ActionResult success(String message, Map<String, String> details) {
        return new ActionResult(true, message, details);
    }

    public static ActionResult failure(String message, Map<String, String> details) {
        return new ActionResult(false, message, details);
    }
}
