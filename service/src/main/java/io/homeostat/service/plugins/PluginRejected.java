package io.homeostat.service.plugins;

/** A jar that cannot be a plugin here; the message starts with the jar's name and says why. */
final class PluginRejected extends Exception {
    private static final long serialVersionUID = 1L;

    PluginRejected(String message) {
        super(message);
    }
}
