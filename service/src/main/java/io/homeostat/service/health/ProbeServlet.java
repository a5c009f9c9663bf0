package io.homeostat.service.health;

import com.codahale.metrics.health.HealthCheck;
import com.codahale.metrics.health.HealthCheckRegistry;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A probe over a few named health checks: 200 when all are healthy, 503 with each check's verdict
 * otherwise. {@code /live} is what a supervisor restarts on (only what a restart can fix: the engine
 * thread is dead); {@code /ready} is what a load balancer routes on (intake would accept: the
 * database answers, evaluation keeps up, the queue has room). {@code /healthcheck} stays the whole
 * picture for alerting.
 */
public final class ProbeServlet extends HttpServlet {
    private static final long serialVersionUID = 1L;

    private final transient HealthCheckRegistry checks;
    private final List<String> names;
    private final transient ObjectMapper json;

    public ProbeServlet(HealthCheckRegistry checks, List<String> names, ObjectMapper json) {
        this.checks = checks;
        this.names = List.copyOf(names);
        this.json = json;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> verdicts = new LinkedHashMap<>();
        boolean healthy = true;
        for (String name : names) {
            HealthCheck.Result result = checks.runHealthCheck(name);
            healthy &= result.isHealthy();
            Map<String, Object> verdict = new LinkedHashMap<>();
            verdict.put("healthy", result.isHealthy());
            verdict.put("message", result.getMessage());
            verdicts.put(name, verdict);
        }
        response.setStatus(healthy ? 200 : 503);
        response.setContentType("application/json");
        response.setHeader("Cache-Control", "must-revalidate,no-cache,no-store");
        json.writeValue(response.getOutputStream(), verdicts);
    }
}
