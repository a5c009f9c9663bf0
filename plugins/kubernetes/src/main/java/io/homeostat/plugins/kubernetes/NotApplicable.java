package io.homeostat.plugins.kubernetes;

/** The action does not apply to this resource and did nothing: the next strategy is tried, and this one is not blamed. */
final class NotApplicable extends Exception {
    private static final long serialVersionUID = 1L;

    NotApplicable(String message) {
        super(message, null, false, false);
    }
}
