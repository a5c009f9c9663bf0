package io.homeostat.plugins.postgres;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.PluginSettings;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

/**
 * The PostgreSQL server an action may act on for a resource, from
 * {@code plugins.settings.postgres.resources.<resource>}, with the limits on what it may touch:
 * client backends only (never a WAL sender, autovacuum or other background process), a superuser's
 * only when allowed, never a protected role, only the listed roles when {@code onlyUsers} is set, and
 * only the URL's database unless {@code allDatabases}.
 */
record PostgresTarget(String resource, String url, Optional<String> user, Optional<String> password, boolean allowSuperuser,
                      boolean allDatabases, List<String> protectUsers, List<String> onlyUsers, Duration grace) {

    static List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        PluginSettings resources = settings.section("resources");
        for (String resource : resources.keys()) {
            try {
                parse(resources, resource);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    static Optional<PostgresTarget> of(ActionContext context) {
        PluginSettings resources = context.settings().section("resources");
        return resources.has(context.resource()) ? Optional.of(parse(resources, context.resource())) : Optional.empty();
    }

    private static PostgresTarget parse(PluginSettings resources, String resource) {
        PluginSettings section = resources.section(resource);
        String url = section.requiredString("url");
        if (!url.startsWith("jdbc:postgresql://")) {
            throw new IllegalArgumentException(section.path() + ".url must be a jdbc:postgresql:// URL, was '" + url + "'");
        }
        return new PostgresTarget(resource, url, section.string("user"), section.string("password"), flag(section, "allowSuperuser"),
                flag(section, "allDatabases"), section.stringList("protectUsers"), section.stringList("onlyUsers"),
                section.seconds("graceSeconds", Duration.ofSeconds(5)));
    }

    private static boolean flag(PluginSettings section, String key) {
        String text = section.string(key).orElse("false");
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException(section.path() + "." + key + " must be true or false, was '" + text + "'");
        }
        return text.equals("true");
    }

    /** A short connection for one action call, named so that it is recognisable in pg_stat_activity (and never its own target). */
    Connection connect(Duration remaining) throws SQLException {
        Properties properties = new Properties();
        user.ifPresent(name -> properties.setProperty("user", name));
        // Resolved at call time: the secret lives in the environment, never in config.yml or the result.
        password.ifPresent(secret -> properties.setProperty("password", PluginSettings.withEnvironment(secret)));
        long seconds = Math.max(1, remaining.toSeconds());
        properties.setProperty("connectTimeout", Long.toString(seconds));
        properties.setProperty("socketTimeout", Long.toString(seconds));
        properties.setProperty("ApplicationName", "homeostat remediation");
        Connection connection = new org.postgresql.Driver().connect(url, properties);
        if (connection == null) {
            throw new SQLException("the driver does not accept the URL of " + resource);
        }
        return connection;
    }
}
