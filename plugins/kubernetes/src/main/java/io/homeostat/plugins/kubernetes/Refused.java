package io.homeostat.plugins.kubernetes;

/** The action applies but must not act: a ceiling reached, a parameter out of range. A failed attempt with this message. */
final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
        super(message, null, false, false);
    }
}
