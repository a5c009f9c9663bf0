package io.homeostat.plugin.api;

import java.util.Objects;

/**
 * The issue an action was asked to remediate, as far as a plugin needs to know it.
 *
 * @param id the issue's id in Homeostat's store
 * @param type the classified issue type, for example {@code service_down}
 * @param severity lower-case severity name ({@code critical}, {@code high}, ...)
 * @param tenant the tenant that owns the issue
 */
public record IssueReference(String id, String type, String severity, String tenant) {
    public IssueReference {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(tenant, "tenant");
        // The promise to plugins is a lower-case severity name; an empty one once reached them.
        if (severity.isBlank() || !severity.equals(severity.toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("severity must be a lower-case severity name, was '" + severity + "'");
        }
    }
}
