package io.homeostat.service.cli;

import io.dropwizard.core.cli.Cli;
import java.io.FileNotFoundException;
import java.net.BindException;
import java.nio.file.NoSuchFileException;
import java.sql.SQLException;

/**
 * How a command reports failure: one line saying what is wrong (exit status 1), not a stack
 * trace. Known causes anywhere in the chain (a database another process holds, a port in use, a
 * missing file) are named plainly; anything else prints its type and message. The stack trace
 * only with HOMEOSTAT_DEBUG=1.
 */
public final class CommandErrors {
    private CommandErrors() {
    }

    public static void print(Cli cli, Throwable error) {
        cli.getStdErr().println("error: " + describe(error));
        if ("1".equals(System.getenv("HOMEOSTAT_DEBUG"))) {
            error.printStackTrace(cli.getStdErr());
        }
    }

    static String describe(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            String message = cause.getMessage() == null ? "" : cause.getMessage();
            if (cause instanceof SQLException sql && ("90020".equals(sql.getSQLState()) || message.contains("already in use"))) {
                return "the database is in use by another process (is Homeostat already running on it? stop it first): "
                        + firstLine(message);
            }
            if (cause instanceof BindException) {
                return "a port is already in use (is Homeostat already running? set HOMEOSTAT_PORT / HOMEOSTAT_ADMIN_PORT): "
                        + firstLine(message);
            }
            if (cause instanceof FileNotFoundException || cause instanceof NoSuchFileException) {
                return "no such file: " + firstLine(message) + " (the last argument of every command is the configuration file, "
                        + "e.g. config.yml)";
            }
        }
        Throwable shown = error;
        while (shown.getCause() != null && (shown.getMessage() == null || shown.getMessage().isBlank())) {
            shown = shown.getCause();
        }
        boolean operators = shown instanceof IllegalArgumentException || shown instanceof IllegalStateException
                || shown instanceof java.io.IOException || shown.getClass().getName().startsWith("io.dropwizard.configuration");
        String message = shown.getMessage() == null ? shown.getClass().getSimpleName() : shown.getMessage().strip();
        return operators ? message : shown.getClass().getSimpleName() + ": " + firstLine(message);
    }

    private static String firstLine(String message) {
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
