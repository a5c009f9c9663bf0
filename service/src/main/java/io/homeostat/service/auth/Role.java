package io.homeostat.service.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a key may do. {@code viewer < operator < admin} include each other; {@code ingest} only
 * sends signals (and, later, alerts), so that the credential that sits in every collector's
 * configuration cannot read incidents or act. An admin may do everything.
 */
public enum Role {
    INGEST,
    VIEWER,
    OPERATOR,
    ADMIN;

    /** The names as used in {@code @RolesAllowed}, in keys and in JSON. */
    public static final String INGEST_NAME = "ingest";
    public static final String VIEWER_NAME = "viewer";
    public static final String OPERATOR_NAME = "operator";
    public static final String ADMIN_NAME = "admin";

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** True when a key of this role may call an endpoint that requires {@code required}. */
    public boolean includes(Role required) {
        return switch (this) {
            case ADMIN -> true;
            case OPERATOR -> required == OPERATOR || required == VIEWER;
            case VIEWER -> required == VIEWER;
            case INGEST -> required == INGEST;
        };
    }

    /** Parses a role name; the message lists the valid names. */
    public static Role parse(String name) {
        for (Role role : values()) {
            if (role.id().equals(name)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown role '" + name + "' (one of "
                + Arrays.stream(values()).map(Role::id).collect(Collectors.joining(", ")) + ")");
    }
}
