package io.homeostat.plugins.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.function.BooleanSupplier;

/** Polls a health URL until it answers 2xx or time runs out. */
final class HealthProbe {
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Returns the last status seen (2xx on success), or -1 when nothing answered before {@code until}. */
    int awaitHealthy(String url, Instant until, BooleanSupplier alive) throws InterruptedException {
        int lastStatus = -1;
        while (Instant.now().isBefore(until)) {
            if (!alive.getAsBoolean()) {
                return lastStatus;
            }
            try {
                HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
                lastStatus = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                if (lastStatus >= 200 && lastStatus < 300) {
                    return lastStatus;
                }
            } catch (IOException notYetListening) {
                // The process is still starting; try again shortly.
            }
            Thread.sleep(100);
        }
        return lastStatus;
    }
}
