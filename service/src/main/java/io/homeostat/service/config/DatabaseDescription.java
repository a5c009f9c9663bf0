package io.homeostat.service.config;

import io.dropwizard.db.DataSourceFactory;
import java.util.regex.Pattern;

/** Which database the service uses, for the log: the URL without anything that could be a secret. */
public final class DatabaseDescription {
    private static final Pattern SECRET_PARAMETER = Pattern.compile("(?i)((?:password|passwd|pwd|secret|token|key)[^=;&]*=)[^;&]*");
    private static final Pattern USER_INFO = Pattern.compile("//[^/@]*@");

    private DatabaseDescription() {
    }

    public static String describe(DataSourceFactory database) {
        String url = USER_INFO.matcher(database.getUrl()).replaceFirst("//***@");
        url = SECRET_PARAMETER.matcher(url).replaceAll("$1***");
        return url + " as user " + database.getUser();
    }
}
