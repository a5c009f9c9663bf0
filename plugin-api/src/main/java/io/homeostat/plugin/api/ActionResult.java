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
 * @param retryable for a failure: whether it was transient (a timeout, a 503), so that the service
 *     may try the same attempt again after a backoff, with the same idempotency key (since 1.1.0)
 * @param applicable false when the action does not apply to the resource and did nothing (it is
 *     not allow-listed, nothing is configured for it): not a failure of the action, so the service
 *     tries the next strategy without counting it against the action's success rate or breaker
 *     (since 1.4.0; always true for a success)
 */
public record ActionResult(boolean succeeded, String message, Map<String, String> details, boolean retryable, boolean applicable) {
    public ActionResult {
        Objects.requireNonNull(message, "message");
        details = Map.copyOf(Objects.requireNonNull(details, "details"));
        applicable = succeeded || applicable;
        retryable = !succeeded && applicable && retryable;
    }

    /** The 1.1 constructor: an applicable result. */
    public ActionResult(boolean succeeded, String message, Map<String, String> details, boolean retryable) {
        this(succeeded, message, details, retryable, true);
    }

    /** The 1.0 constructor: a result that is not retryable. */
    public ActionResult(boolean succeeded, String message, Map<String, String> details) {
        this(succeeded, message, details, false, true);
    }

    public static ActionResult success(String message, Map<String, String> details) {
        return new ActionResult(true, message, details, false, true);
    }

    public static ActionResult failure(String message, Map<String, String> details) {
        return new ActionResult(false, message, details, false, true);
    }

    /** A transient failure: the service retries it with exponential backoff, as configured per action. */
    public static ActionResult transientFailure(String message, Map<String, String> details) {
        return new ActionResult(false, message, details, true, true);
    }

    /**
     * The action does not apply to this resource and did nothing (since 1.4.0). The message says
     * what configuration would make it apply.
     */
    public static ActionResult notApplicable(String message, Map<String, String> details) {
        return new ActionResult(false, message, details, false, false);
    }
}
