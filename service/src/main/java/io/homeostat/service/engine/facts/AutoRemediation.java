package io.homeostat.service.engine.facts;

/**
 * The auto-remediation switch for one scope: {@link #GLOBAL} or a tenant. Absent means on. The
 * newest switch of a scope replaces the older one (a rule does it).
 */
public record AutoRemediation(String scope, boolean enabled, String by, String reason, long time) {
    public static final String GLOBAL = "*";

    public String getScope() {
        return scope;
    }

    public boolean isEnabled() {
        return enabled;
    }

    public String getBy() {
        return by;
    }

    public String getReason() {
        return reason;
    }

    public long getTime() {
        return time;
    }
}
