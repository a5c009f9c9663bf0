package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import io.homeostat.service.auth.Role;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import java.lang.reflect.Method;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every endpoint × (no key, an unknown key, a revoked key, each role, another tenant's key), on
 * H2 and PostgreSQL. The endpoints are those the served OpenAPI document lists (which
 * OpenApiIntegrationTest holds equal to the resource classes), each with the role of its
 * {@code @RolesAllowed}, so a new endpoint is in the matrix without editing this test, and one
 * without a role fails it.
 */
class AuthorizationMatrixIntegrationTest {
    @TempDir
    java.nio.file.Path directory;

    record Endpoint(String method, String path, Role required) {
        String concrete(String id) {
            return path.replaceAll("\\{[^}]+}", id);
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    @ParameterizedTest
    @EnumSource(TestDatabase.Kind.class)
    void everyEndpointNeedsAKeyOfTheRightRoleAndTenant(TestDatabase.Kind kind) throws Exception {
        try (TestDatabase database = TestDatabase.create(kind, directory);
             TestApp app = TestApp.builder(directory, database).start()) {
            // The endpoints are the ones the OpenAPI document lists; the role each needs is its @RolesAllowed.
            Map<String, Endpoint> annotated = new LinkedHashMap<>();
            endpoints().forEach(endpoint -> annotated.put(endpoint.toString(), endpoint));
            List<Endpoint> endpoints = new ArrayList<>();
            for (String operation : OpenApiIntegrationTest.operations(app.getJson("/api/v1/openapi.json"))) {
                assertThat(annotated).as("documented " + operation + " has a role").containsKey(operation);
                endpoints.add(annotated.get(operation));
            }
            assertThat(endpoints).extracting(Endpoint::toString)
                    .contains("POST /api/v1/signals", "GET /api/v1/issues", "POST /api/v1/rules/reload", "POST /api/v1/keys");

            Map<Role, String> tenantA = new LinkedHashMap<>();
            for (Role role : Role.values()) {
                // Admin keys in the matrix span all tenants: global changes (rules, plugins) need that.
                tenantA.put(role, app.createKey("a-" + role.id(), role.id(), role == Role.ADMIN ? null : "team-a"));
            }
            String revoked = app.createKey("gone", "admin", null);
            assertThat(app.request(app.adminKey(), "DELETE", "/api/v1/keys/gone", null).statusCode()).isEqualTo(200);

            for (Endpoint endpoint : endpoints) {
                String path = endpoint.concrete("00000000-0000-0000-0000-000000000000");
                String body = endpoint.method().equals("GET") || endpoint.method().equals("DELETE") ? null : "{}";
                for (String key : new String[] {null, "hst_not-a-key-at-all-0123456789abcdef", revoked}) {
                    HttpResponse<String> answer = app.request(key, endpoint.method(), path, body);
                    assertThat(answer.statusCode()).as(endpoint + " with key " + (key == null ? "none" : key)).isEqualTo(401);
                    assertThat(TestApp.parse(answer.body()).get("code").asInt()).isEqualTo(401);
                }
                for (Map.Entry<Role, String> key : tenantA.entrySet()) {
                    HttpResponse<String> answer = app.request(key.getValue(), endpoint.method(), path, body);
                    if (key.getKey().includes(endpoint.required())) {
                        assertThat(answer.statusCode()).as(endpoint + " as " + key.getKey() + ": " + answer.body())
                                .isNotIn(401, 403).isLessThan(500);
                    } else {
                        assertThat(answer.statusCode()).as(endpoint + " as " + key.getKey()).isEqualTo(403);
                        assertThat(answer.body()).contains("has role '" + key.getKey().id() + "'").contains("needs " + endpoint.required().id());
                    }
                }
            }

            // Tenants: team-a's failing service opens an issue that team-b cannot see, list or act on.
            String failing = TestApp.signal("service:shop", "probe.success", 0);
            HttpResponse<String> sent = app.postAs(tenantA.get(Role.INGEST), "/api/v1/signals",
                    "{\"signals\":[" + failing + "," + failing + "," + failing + "]}");
            assertThat(sent.statusCode()).as(sent.body()).isEqualTo(202);
            HttpResponse<String> spoofed = app.postAs(tenantA.get(Role.INGEST), "/api/v1/signals",
                    "{\"signals\":[{\"resource\":\"service:x\",\"metric\":\"m\",\"value\":1,\"tenant\":\"team-b\"}]}");
            assertThat(spoofed.statusCode()).isEqualTo(422);
            assertThat(spoofed.body()).contains("is not this key's tenant");
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(app.getJsonAs(tenantA.get(Role.VIEWER), "/api/v1/issues").get("total").asInt()).isEqualTo(1));
            JsonNode issue = app.getJsonAs(tenantA.get(Role.VIEWER), "/api/v1/issues").get("items").get(0);
            assertThat(issue.get("tenant").asText()).isEqualTo("team-a");
            String issueId = issue.get("id").asText();
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() ->
                    assertThat(app.getJsonAs(tenantA.get(Role.VIEWER), "/api/v1/issues/" + issueId).get("decisions").size()).isPositive());
            String decisionId = app.getJsonAs(tenantA.get(Role.VIEWER), "/api/v1/issues/" + issueId).get("decisions").get(0).get("id").asText();

            String viewerB = app.createKey("b-viewer", "viewer", "team-b");
            String operatorB = app.createKey("b-operator", "operator", "team-b");
            assertThat(app.getAs(viewerB, app.api("/api/v1/issues/" + issueId)).statusCode()).isEqualTo(404);
            assertThat(app.getAs(viewerB, app.api("/api/v1/decisions/" + decisionId)).statusCode()).isEqualTo(404);
            assertThat(app.getJsonAs(viewerB, "/api/v1/issues").get("total").asInt()).isZero();
            assertThat(app.getJsonAs(viewerB, "/api/v1/remediations").get("total").asInt()).isZero();
            assertThat(app.getAs(viewerB, app.api("/api/v1/issues?tenant=team-a")).statusCode()).isEqualTo(404);
            assertThat(app.getJsonAs(viewerB, "/api/v1/statistics").get("totals").get("issuesDetected").asInt()).isZero();
            HttpResponse<String> foreignRun = app.postAs(operatorB, "/api/v1/issues/" + issueId + "/remediations",
                    "{\"actionId\":\"http.call\"}");
            assertThat(foreignRun.statusCode()).isEqualTo(404);
            assertThat(foreignRun.body()).isEqualTo(app.postAs(operatorB, "/api/v1/issues/no-such-issue/remediations",
                    "{\"actionId\":\"http.call\"}").body().replace("no-such-issue", issueId));
            // The all-tenants admin sees everything and may filter.
            assertThat(app.getJson("/api/v1/issues?tenant=team-a").get("total").asInt()).isEqualTo(1);
            assertThat(app.getJson("/api/v1/statistics").get("totals").get("issuesDetected").asInt()).isEqualTo(1);

            // A tenant's admin manages its own keys only, and cannot make all-tenants keys or change global things.
            String adminA = app.createKey("a-tenant-admin", "admin", "team-a");
            assertThat(app.getJsonAs(adminA, "/api/v1/keys").get("items").findValuesAsText("tenant")).containsOnly("team-a");
            assertThat(app.request(adminA, "DELETE", "/api/v1/keys/b-viewer", null).statusCode()).isEqualTo(404);
            assertThat(app.postAs(adminA, "/api/v1/keys", "{\"name\":\"x\",\"role\":\"viewer\",\"tenant\":\"team-b\"}").statusCode())
                    .isEqualTo(422);
            assertThat(app.postAs(adminA, "/api/v1/rules/reload", "{}").statusCode()).isEqualTo(403);
            assertThat(app.postAs(adminA, "/api/v1/plugins/http/disable", "{\"reason\":\"x\"}").statusCode()).isEqualTo(403);

            // Keys are never shown again, and their use is recorded.
            JsonNode keys = app.getJson("/api/v1/keys?revoked=true");
            assertThat(keys.toString()).doesNotContain(tenantA.get(Role.VIEWER)).doesNotContain("hash");
            assertThat(keys.get("items").findValuesAsText("name")).contains("gone", "a-viewer");
            JsonNode viewer = app.getJson("/api/v1/keys/a-viewer");
            assertThat(viewer.get("lastUsedAt").isNull()).isFalse();
            assertThat(viewer.get("createdBy").asText()).isEqualTo("admin");

            // Revoking through the API takes effect at once.
            assertThat(app.request(app.adminKey(), "DELETE", "/api/v1/keys/b-viewer", null).statusCode()).isEqualTo(200);
            assertThat(app.getAs(viewerB, app.api("/api/v1/issues")).statusCode()).isEqualTo(401);
            assertThat(app.request(app.adminKey(), "DELETE", "/api/v1/keys/b-viewer", null).statusCode()).isEqualTo(404);
        }
    }

    /** Every resource method of the API's resource classes, with the role its annotation requires. */
    static List<Endpoint> endpoints() {
        List<Endpoint> endpoints = new ArrayList<>();
        JavaClasses classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.homeostat.service.resources");
        for (JavaClass type : classes) {
            if (!type.isAnnotatedWith(Path.class)) {
                continue;
            }
            Class<?> resource = type.reflect();
            Path base = resource.getAnnotation(Path.class);
            for (Method method : resource.getDeclaredMethods()) {
                String http = method.isAnnotationPresent(GET.class) ? "GET" : method.isAnnotationPresent(POST.class) ? "POST"
                        : method.isAnnotationPresent(DELETE.class) ? "DELETE" : method.isAnnotationPresent(PUT.class) ? "PUT" : null;
                if (http == null) {
                    continue;
                }
                Path sub = method.getAnnotation(Path.class);
                RolesAllowed roles = method.getAnnotation(RolesAllowed.class);
                assertThat(roles).as(http + " " + base.value() + (sub == null ? "" : sub.value()) + " has no @RolesAllowed").isNotNull();
                assertThat(roles.value()).hasSize(1);
                endpoints.add(new Endpoint(http, base.value() + (sub == null ? "" : sub.value()), Role.parse(roles.value()[0])));
            }
        }
        return endpoints;
    }
}
