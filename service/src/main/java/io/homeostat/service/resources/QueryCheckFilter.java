package io.homeostat.service.resources;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The admin port's servlets (tasks, health, metrics) read their query themselves; a malformed
 * one made the task servlet answer 500. Reading the parameters first turns that into a 400 in the
 * API's error shape.
 */
public final class QueryCheckFilter implements Filter {
    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain) throws IOException, ServletException {
        try {
            request.getParameterMap();
        } catch (RuntimeException malformed) {
            HttpServletResponse http = (HttpServletResponse) response;
            http.setStatus(400);
            http.setContentType("application/json");
            http.getOutputStream().write(JsonErrorHandler.body(400, "the query string cannot be decoded (check its %-escapes)"));
            return;
        }
        chain.doFilter(request, response);
    }

}
