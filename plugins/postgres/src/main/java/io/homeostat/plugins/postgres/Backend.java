package io.homeostat.plugins.postgres;

import java.sql.Timestamp;

/**
 * A client backend an action may signal, as pg_stat_activity showed it. {@code since} (the query's
 * start, or the state change for an idle transaction) tells this query apart from the next one the
 * same backend runs, so that a signal never lands on work that started after the look.
 */
record Backend(long pid, String user, String database, String state, Timestamp since, double seconds, boolean superuser) {
    String describe() {
        return pid + " (" + user + "@" + database + ", " + state + " for " + Math.round(seconds) + " s)";
    }
}
