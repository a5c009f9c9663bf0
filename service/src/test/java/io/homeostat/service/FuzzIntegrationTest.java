package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.homeostat.service.testing.TestApp;
import io.homeostat.service.testing.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A seeded fuzz of every endpoint: hostile bodies (truncated JSON, wrong types, 1e309, NaN,
 * duplicate keys, deep nesting, lone surrogates, invalid UTF-8, NUL, CR/LF, huge strings) and
 * hostile path parameters, sent with a key that may call everything. No answer may be a 5xx, and
 * the service must still be healthy and deciding afterwards. Set -Dhomeostat.fuzz.seed=N to replay
 * a run; the seed is in every assertion message.
 */
class FuzzIntegrationTest {
    private static final int BODIES_PER_ENDPOINT = 40;

    @TempDir
    Path directory;

    /** Requests whose body the server asked for: the hostile bodies that reached a parser. */
    private int bodiesRead;
    private int bodiesSent;

    private static final String[] FRAGMENTS = {
        "{", "}", "[", "]", ",", ":", "\"", "null", "true", "1e309", "-1e309", "NaN", "Infinity", "-0", "9999999999999999999999",
        "\"\\ud800\"", "\"\\udc00x\"", "\"\\u0000\"", "\"a\\r\\nINFO forged line\"", "\"" + "x".repeat(100_000) + "\"", "1.5", "\"2026-13-45\"",
        "\"-300000000-01-01T00:00:00Z\"", "{\"a\":1,\"a\":2}", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
    };
    private static final String[] FIELDS = {
        "signals", "resource", "metric", "value", "time", "tenant", "labels", "enabled", "reason", "by", "actionId", "parameters",
        "override", "files", "name", "role", "x",
    };
    private static final String[] IDS = {
        "nope", "00000000-0000-0000-0000-000000000000", "%00", "..%2F..%2Fetc%2Fpasswd", "a%0D%0Ab", "%F0%9F%98%80", "x".repeat(300),
        "'%20OR%201=1--", "%ZZ",
    };

    private static String value(Random random, int depth) {
        int pick = random.nextInt(depth > 3 ? 3 : 6);
        return switch (pick) {
            case 0 -> FRAGMENTS[random.nextInt(FRAGMENTS.length)];
            case 1 -> Integer.toString(random.nextInt());
            case 2 -> "\"" + FIELDS[random.nextInt(FIELDS.length)] + "\"";
            case 3 -> object(random, depth + 1);
            case 4 -> "[" + value(random, depth + 1) + "," + value(random, depth + 1) + "]";
            default -> "{\"" + FIELDS[random.nextInt(FIELDS.length)] + "\":" + value(random, depth + 1) + "}";
        };
    }

    private static String object(Random random, int depth) {
        StringBuilder out = new StringBuilder("{");
        int fields = random.nextInt(5);
        for (int i = 0; i < fields; i++) {
            out.append(i == 0 ? "" : ",").append('"').append(FIELDS[random.nextInt(FIELDS.length)]).append("\":").append(value(random, depth));
        }
        return out.append('}').toString();
    }

    private static byte[] body(Random random) {
        String json = object(random, 0);
        return switch (random.nextInt(7)) {
            case 0 -> json.substring(0, random.nextInt(Math.max(1, json.length()))).getBytes(StandardCharsets.UTF_8);
            case 1 -> {
                byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
                if (bytes.length > 2) {
                    bytes[random.nextInt(bytes.length)] = (byte) (0x80 + random.nextInt(0x7f)); // invalid UTF-8
                }
                yield bytes;
            }
            case 2 -> ("{\"signals\":[" + object(random, 1) + "," + object(random, 1) + "]}").getBytes(StandardCharsets.UTF_8);
            case 3 -> nearlyValidSignal(random).getBytes(StandardCharsets.UTF_8);
            default -> json.getBytes(StandardCharsets.UTF_8);
        };
    }

    /** A valid signal but for one field, so that the hostile value gets past the shape checks to the ones behind them. */
    private static String nearlyValidSignal(Random random) {
        String[] fields = {"resource", "metric", "value", "time", "tenant", "source", "unit", "labels"};
        String field = fields[random.nextInt(fields.length)];
        String hostile = field.equals("labels") ? "{\"k\":" + FRAGMENTS[random.nextInt(FRAGMENTS.length)] + "}"
                : FRAGMENTS[random.nextInt(FRAGMENTS.length)];
        StringBuilder signal = new StringBuilder("{");
        for (String name : new String[] {"resource", "metric", "value"}) {
            if (!name.equals(field)) {
                signal.append('"').append(name).append("\":").append(name.equals("value") ? "1" : name.equals("resource")
                        ? "\"host:fuzz\"" : "\"m\"").append(',');
            }
        }
        signal.append('"').append(field).append("\":").append(hostile).append('}');
        return "{\"signals\":[" + signal + "]}";
    }

    /**
     * Sends raw bytes, so that invalid UTF-8 and escapes reach the server exactly as generated. The body waits for
     * "100 Continue": Jetty refuses a bad path (%ZZ, %00, an encoded slash) before reading any body and closes the
     * connection, and a body written blindly then fails with a broken pipe depending on timing.
     */
    private int send(int port, String method, String path, String key, byte[] body) throws Exception {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " + key
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + (body.length > 0 ? "\r\nExpect: 100-continue" : "") + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            bodiesSent += body.length > 0 ? 1 : 0;
            int status = status(in);
            if (status == 100) {
                bodiesRead++;
                while (!line(in).isEmpty()) {
                    // the interim answer's headers, if any
                }
                out.write(body);
                out.flush();
                status = status(in);
            }
            return status;
        }
    }

    private static int status(InputStream in) throws IOException {
        String line = line(in);
        if (!line.startsWith("HTTP/1.1 ") || line.length() < 12) {
            throw new IOException("not an HTTP status line: " + line);
        }
        return Integer.parseInt(line.substring(9, 12));
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after " + line);
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Test
    void noHostileInputGetsA5xxAndTheServiceKeepsDeciding() throws Exception {
        long seed = Long.getLong("homeostat.fuzz.seed", 20261130L);
        Random random = new Random(seed);
        try (TestDatabase database = TestDatabase.create(TestDatabase.Kind.H2, directory);
             TestApp app = TestApp.builder(directory, database).start()) {
            int port = URI.create(app.api("/")).getPort();
            List<String> serverErrors = new ArrayList<>();
            int sent = 0;
            int refused = 0;
            for (AuthorizationMatrixIntegrationTest.Endpoint endpoint : AuthorizationMatrixIntegrationTest.endpoints()) {
                for (int i = 0; i < BODIES_PER_ENDPOINT; i++) {
                    String path = endpoint.concrete(IDS[random.nextInt(IDS.length)]);
                    byte[] body = endpoint.method().equals("GET") || endpoint.method().equals("DELETE") ? new byte[0] : body(random);
                    if (endpoint.method().equals("GET") && random.nextBoolean()) {
                        path += "?limit=" + IDS[random.nextInt(IDS.length)] + "&state=" + IDS[random.nextInt(IDS.length)];
                    }
                    int status = send(port, endpoint.method(), path, app.adminKey(), body);
                    sent++;
                    refused += status >= 400 && status < 500 ? 1 : 0;
                    if (status >= 500) {
                        serverErrors.add(status + " for " + endpoint.method() + " " + path + " with "
                                + new String(body, StandardCharsets.UTF_8).substring(0, Math.min(200, body.length)));
                    }
                }
            }
            // And every hostile value in every field of an otherwise valid signal, not left to chance.
            for (String field : new String[] {"resource", "metric", "value", "time", "tenant", "source", "unit", "labels"}) {
                for (String hostile : FRAGMENTS) {
                    String value = field.equals("labels") ? "{\"k\":" + hostile + "}" : hostile;
                    String body = "{\"signals\":[{\"resource\":\"host:fuzz\",\"metric\":\"m\",\"value\":1,\"" + field + "\":" + value + "}]}";
                    body = body.replaceFirst("\"" + field + "\":[^,]*,(.*\"" + field + "\":)", "$1");
                    int status = send(port, "POST", "/api/v1/signals", app.adminKey(), body.getBytes(StandardCharsets.UTF_8));
                    sent++;
                    if (status >= 500) {
                        serverErrors.add(status + " for a signal whose " + field + " is " + hostile.substring(0, Math.min(60, hostile.length())));
                    }
                }
            }
            assertThat(serverErrors).as("5xx answers (seed " + seed + ", " + sent + " requests)").isEmpty();
            assertThat(sent).isGreaterThan(500);
            assertThat(bodiesRead).as("hostile bodies the server read (seed " + seed + ")").isGreaterThan(bodiesSent * 3 / 4);
            assertThat(refused).as("hostile requests refused with a 4xx (seed " + seed + ")").isGreaterThan(sent / 2);

            // Still healthy, and still deciding.
            assertThat(app.get(app.admin("/healthcheck")).statusCode()).as("seed " + seed).isEqualTo(200);
            String failing = TestApp.signal("service:after-fuzz", "probe.success", 0);
            assertThat(app.signals(failing, failing, failing).statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
                var issues = app.getJson("/api/v1/issues?resource=service:after-fuzz").get("items");
                assertThat(issues).as("seed " + seed).hasSize(1);
                assertThat(app.getJson("/api/v1/issues/" + issues.get(0).get("id").asText()).get("decisions")).isNotEmpty();
            });
        }
    }
}
