package io.homeostat.service.dashboard;

import io.dropwizard.servlets.assets.AssetServlet;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The web dashboard's page, script and style, served from the jar at {@code /} and {@code /ui/*} on
 * the API port. They hold no data and need no key: the page asks for a key and sends it with every
 * API call, which the API checks as for any client (viewer sees, operator acts).
 *
 * <p>The page is held to its own origin by a strict Content-Security-Policy (no inline script, no
 * other host, no framing), so a value an attacker put into a signal or a rule file can show up as
 * text but never run.
 */
public final class DashboardServlet extends AssetServlet {
    private static final long serialVersionUID = 1L;
    static final String POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

    public DashboardServlet() {
        super("/dashboard", "/", "index.html", StandardCharsets.UTF_8);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws ServletException, IOException {
        response.setHeader("Content-Security-Policy", POLICY);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "no-referrer");
        // Revalidated each time (the ETag answers 304), so a new version of the service serves its new page at once.
        response.setHeader("Cache-Control", "no-cache");
        super.doGet(request, response);
    }
}
