package io.homeostat.service.resources;

/** Checks of who and why, common to every operator action of the API. */
final class Operator {
    private Operator() {
    }

    /**
     * Who acted is the name of the API key, never a claim in the body: a body that still sends
     * {@code by} is refused rather than silently ignored, so that no client believes its claim was
     * recorded.
     */
    static void noClaimedName(String by) {
        if (by != null) {
            throw ApiErrors.error(422, "field 'by' is not accepted: who acted is recorded as the name of your API key; "
                    + "say why in 'reason'");
        }
    }

    /** A reason: required, 1 to 2000 characters. */
    static String reason(String reason) {
        if (reason == null || reason.isBlank() || reason.length() > 2000) {
            throw ApiErrors.error(422, "field 'reason' must say why (1 to 2000 characters)");
        }
        return reason.strip();
    }

    /** An optional reason: absent, or 1 to 2000 characters. */
    static String optionalReason(String reason) {
        return reason == null ? null : reason(reason);
    }
}
