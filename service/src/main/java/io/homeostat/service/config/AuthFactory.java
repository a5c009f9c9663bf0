package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.dropwizard.util.Duration;

/** {@code auth:} API keys. */
public class AuthFactory {
    /**
     * The first admin key, used only while the key table is empty (config.yml reads it from
     * HOMEOSTAT_ADMIN_KEY). Empty: the service generates one and prints it once.
     */
    @JsonProperty
    private String adminKey = "";

    /**
     * How long an authenticated key is remembered before the database is asked again. A key
     * revoked through the API stops at once; one revoked with the command line while the service
     * runs stops within this time.
     */
    @JsonProperty
    private Duration cacheFor = Duration.seconds(10);

    public String getAdminKey() {
        return adminKey;
    }

    public Duration getCacheFor() {
        return cacheFor;
    }
}
