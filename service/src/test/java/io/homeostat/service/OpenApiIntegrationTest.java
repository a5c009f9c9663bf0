package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document the service serves lists exactly the endpoints its resource classes have
 * (a missing endpoint or one that differs fails here), with the bearer key as its security, no
 * request body on a read, and the path parameters of each path.
 */
class OpenApiIntegrationTest {
    @TempDir
    Path directory;

    /** "METHOD /path" of every operation in an OpenAPI document. */
    static Set<String> operations(JsonNode document) {
        Set<String> operations = new TreeSet<>();
        Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields();
        while (paths.hasNext()) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> operations.add(method.toUpperCase(Locale.ROOT) + " " + path.getKey()));
        }
        return operations;
    }

    @Test
    void theDocumentListsExactlyTheEndpointsOfTheResources() throws Exception {
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).start()) {
            String viewer = app.createKey("docs-reader", "viewer", "default");
            JsonNode document = app.getJsonAs(viewer, "/api/v1/openapi.json");
            assertThat(document.get("openapi").asText()).startsWith("3.");

            Set<String> fromCode = new TreeSet<>();
            AuthorizationMatrixIntegrationTest.endpoints().forEach(endpoint -> fromCode.add(endpoint.toString()));
            assertThat(operations(document)).isEqualTo(fromCode);

            assertThat(document.at("/components/securitySchemes/apiKey/scheme").asText()).isEqualTo("bearer");
            assertThat(document.at("/security/0").has("apiKey")).isTrue();
            document.get("paths").fields().forEachRemaining(path -> {
                JsonNode get = path.getValue().get("get");
                if (get != null) {
                    assertThat(get.has("requestBody")).as("GET " + path.getKey() + " has no body (the key is not a body)").isFalse();
                }
                path.getValue().fields().forEachRemaining(operation -> {
                    for (String name : path.getKey().split("/")) {
                        if (name.startsWith("{")) {
                            assertThat(operation.getValue().get("parameters").findValuesAsText("name"))
                                    .as(operation.getKey() + " " + path.getKey()).contains(name.substring(1, name.length() - 1));
                        }
                    }
                });
            });
            assertThat(document.at("/paths/~1api~1v1~1issues/get/parameters").findValuesAsText("name"))
                    .contains("tenant", "state", "resource", "limit", "offset");
            assertThat(app.getAs(null, app.api("/api/v1/openapi.json")).statusCode()).isEqualTo(401);
        }
    }
}
