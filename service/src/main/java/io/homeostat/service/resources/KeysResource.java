package io.homeostat.service.resources;

import io.dropwizard.auth.Auth;
import io.swagger.v3.oas.annotations.Parameter;
import io.homeostat.service.api.PageView;
import io.homeostat.service.auth.ApiKeys;
import io.homeostat.service.auth.Caller;
import io.homeostat.service.auth.Role;
import io.homeostat.service.model.ApiKeyRecord;
import io.homeostat.service.store.KeyStore;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code /api/v1/keys} (admin): create a key (the answer holds the key, the only time it is
 * shown), list keys (never a key or its hash), revoke one. A tenant's admin sees and manages its
 * own tenant's keys only. A revoked key stops working at once on this replica.
 */
@Path("/api/v1/keys")
@Produces(MediaType.APPLICATION_JSON)
public final class KeysResource {
    /** The body of a creation; tenant absent means the caller's tenant (all tenants for an all-tenants admin creating an admin key). */
    public record NewKey(String name, String role, String tenant) {
    }

    /** The answer of a creation. */
    public record CreatedKey(ApiKeyRecord key, String secret, String note) {
    }

    private final ApiKeys apiKeys;
    private final KeyStore store;
    private final Runnable forgetCachedKeys;

    public KeysResource(ApiKeys apiKeys, KeyStore store, Runnable forgetCachedKeys) {
        this.apiKeys = apiKeys;
        this.store = store;
        this.forgetCachedKeys = forgetCachedKeys;
    }

    @GET
    @RolesAllowed(Role.ADMIN_NAME)
    public PageView<ApiKeyRecord> list(@Parameter(hidden = true) @Auth Caller caller, @QueryParam("tenant") String tenant, @QueryParam("revoked") Boolean revoked,
                                       @QueryParam("limit") Integer limit, @QueryParam("offset") Integer offset) {
        return Pages.of(store.list(Tenancy.filter(caller, tenant), Boolean.TRUE.equals(revoked), ApiErrors.limit(limit),
                ApiErrors.offset(offset)));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @RolesAllowed(Role.ADMIN_NAME)
    public Response create(@Parameter(hidden = true) @Auth Caller caller, NewKey request) {
        if (request == null) {
            throw ApiErrors.error(422, "a JSON body {\"name\": ..., \"role\": ..., \"tenant\": ...} is required");
        }
        try {
            ApiKeys.Created created = apiKeys.create(request.name(), request.role(), request.tenant(), caller);
            return Response.status(201).entity(new CreatedKey(created.record(), created.key(),
                    "this is the only time the key is shown; it is stored as a hash")).build();
        } catch (ApiKeys.InvalidKeyRequest e) {
            throw ApiErrors.error(422, e.getMessage());
        }
    }

    @GET
    @Path("/{id}")
    @RolesAllowed(Role.ADMIN_NAME)
    public ApiKeyRecord get(@Parameter(hidden = true) @Auth Caller caller, @PathParam("id") String id) {
        return apiKeys.find(id, caller).orElseThrow(() -> ApiErrors.error(404, "no key with id or name '" + id + "'"));
    }

    @DELETE
    @Path("/{id}")
    @RolesAllowed(Role.ADMIN_NAME)
    public ApiKeyRecord revoke(@Parameter(hidden = true) @Auth Caller caller, @PathParam("id") String id) {
        ApiKeyRecord key = apiKeys.find(id, caller).orElseThrow(() -> ApiErrors.error(404, "no key with id or name '" + id + "'"));
        if (key.revoked() || !apiKeys.revoke(key.id(), caller).orElse(false)) {
            throw ApiErrors.error(409, "key '" + id + "' is already revoked");
        }
        forgetCachedKeys.run();
        return store.find(key.id()).orElseThrow();
    }
}
