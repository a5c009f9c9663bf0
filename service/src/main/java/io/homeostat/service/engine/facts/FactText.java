package io.homeostat.service.engine.facts;

import java.util.Objects;

/**
 * Checks text that rules put into facts against what the store can hold. A rule that produces an
 * identifier too long to store fails in its own consequence, with the field named, instead of
 * leaving the engine retrying a write that can never succeed. Free text is shortened instead.
 */
final class FactText {
    private FactText() {
    }

    /** An identifier (type, category, action id, ...): rejected when blank or longer than {@code max}. */
    static String identifier(String field, String value, int max) {
        Objects.requireNonNull(value, field);
        if (value.isBlank() || value.length() > max) {
            throw new IllegalArgumentException(field + " must be 1 to " + max + " characters, was " + value.length()
                    + ": '" + shorten(value, 80) + "'");
        }
        return value;
    }

    /** Free text (summaries): kept, but cut to {@code max} characters. */
    static String shorten(String value, int max) {
        Objects.requireNonNull(value, "text");
        return value.length() <= max ? value : value.substring(0, max - 3) + "...";
    }
}
