package io.homeostat.service.cli;

import io.dropwizard.core.cli.Cli;
import io.homeostat.service.auth.ApiKeys;

/**
 * How a command reports failure: one line saying what is wrong (exit status 1), not a stack
 * trace. Errors that are the operator's (bad arguments, a missing file, a rejected request) print
 * their message; anything else prints its type and message, and the stack only with
 * HOMEOSTAT_DEBUG=1.
 */
final class CommandErrors {
    private CommandErrors() {
    }

    static void print(Cli cli, Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        boolean operators = cause instanceof IllegalArgumentException || cause instanceof IllegalStateException
                || cause instanceof ApiKeys.InvalidKeyRequest || cause instanceof java.io.IOException;
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        cli.getStdErr().println("error: " + (operators ? message : cause.getClass().getSimpleName() + ": " + message));
        if ("1".equals(System.getenv("HOMEOSTAT_DEBUG"))) {
            error.printStackTrace(cli.getStdErr());
        }
    }
}
