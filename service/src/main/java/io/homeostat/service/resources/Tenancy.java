package io.homeostat.service.resources;

import io.homeostat.service.auth.Caller;
import java.util.Optional;
import java.util.function.Function;

/**
 * Tenant scoping of every read and command. Another tenant's object answers 404, exactly as an
 * id that does not exist, so that a key cannot learn what other tenants have.
 */
final class Tenancy {
    private Tenancy() {
    }

    /** The tenant a listing is filtered by: the key's own, or the requested one for an all-tenants key. */
    static String filter(Caller caller, String requested) {
        if (caller.allTenants()) {
            return requested;
        }
        if (requested != null && !requested.equals(caller.tenant())) {
            throw ApiErrors.error(404, "no tenant '" + requested + "' for this key");
        }
        return caller.tenant();
    }

    /** The object if the caller's tenant owns it; otherwise the same 404 as for an unknown id. */
    static <T> T visible(Caller caller, Optional<T> found, Function<T, String> tenantOf, String what, String id) {
        return found.filter(item -> caller.sees(tenantOf.apply(item)))
                .orElseThrow(() -> ApiErrors.error(404, "no " + what + " with id '" + id + "'"));
    }

    /** Changes that affect every tenant (rules, plugins, the global switch) need an all-tenants key. */
    static void requireAllTenants(Caller caller, String what) {
        if (!caller.allTenants()) {
            throw ApiErrors.error(403, what + " affects every tenant: it needs an all-tenants key (this key is of tenant '"
                    + caller.tenant() + "')");
        }
    }
}
