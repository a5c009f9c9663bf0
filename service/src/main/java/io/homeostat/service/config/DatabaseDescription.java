package io.homeostat.service.config;

import io.dropwizard.db.DataSourceFactory;
import java.util.regex.Pattern;

/** Which database the service uses, for the log: the URL without anything that could be a secret. */
public final class DatabaseDescription {
    private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)((?:password|passwd|pwd|secret|token|key)[^=;&]*=)[^;&]*");
    private static final Pattern USER_INFO = Pattern.compile("//[^/@]*@");

    private DatabaseDescription() {
    }

    /**
     * Why this database may lose a commit that an action already acted on, or null. An H2 file keeps
     * the last half-second of commits in memory (WRITE_DELAY, 500 ms by default): a killed process
     * loses them, though the executor already ran the action they recorded (seen: a restart run
     * twice after a kill -9). PostgreSQL's commits are durable; so are H2's with WRITE_DELAY=0.
     */
    public static String durabilityWarning(DataSourceFactory database) {
        String url = database.getUrl();
        if (!url.startsWith("jdbc:h2:") || url.startsWith("jdbc:h2:mem:")
                || url.toUpperCase(java.util.Locale.ROOT).replace(" ", "").contains(";WRITE_DELAY=0")) {
            return null;
        }
        return "the H2 database keeps its last commits in memory for up to half a second: a killed process loses them, though "
                + "an action may already have run on them. Add ;WRITE_DELAY=0 to database.url (config.yml's default has it)";
    }

    /**
     * Why this database may close under the service, or null. H2's default file access closes its file channel
     * when a thread is interrupted during a write (a plugin call abandoned at its deadline, a pool stopped with
     * shutdownNow), and then refuses every statement, "The database has been closed", until the process
     * restarts. The {@code async:} file system (an AsynchronousFileChannel) is not closed by an interrupt.
     */
    public static String interruptWarning(DataSourceFactory database) {
        String url = database.getUrl();
        if (!url.startsWith("jdbc:h2:") || url.startsWith("jdbc:h2:mem:") || url.startsWith("jdbc:h2:async:")
                || url.startsWith("jdbc:h2:tcp:") || url.startsWith("jdbc:h2:ssl:")) {
            return null;
        }
        return "an interrupted thread writing to this H2 file closes the database until a restart: write database.url as "
                + "jdbc:h2:async:<path>;... (config.yml's default does)";
    }

    public static String describe(DataSourceFactory database) {
        String url = USER_INFO.matcher(database.getUrl()).replaceFirst("//***@");
        url = SECRET_PARAMETER.matcher(url).replaceAll("$1***");
        return url + " as user " + database.getUser();
    }
}
