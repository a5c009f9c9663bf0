package io.homeostat.service.resources;

/** Checks of who and why, common to every operator action of the API. */
final class Operator {
    private Operator() {
    }

    /** The operator's name: 1 to 128 characters. */
    static String by(String by) {
        if (by == null || by.isBlank() || by.length() > 128) {
            throw ApiErrors.error(422, "field 'by' must name the operator (1 to 128 characters)");
        }
        return by.strip();
    }

    /** A reason: required, 1 to 2000 characters. */
    static String reason(String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 2000) {
            throw ApiErrors.error(422, "field 'reason' must say why (1 to 2000 characters)");
        }
        return reason.strip();
    }
}
