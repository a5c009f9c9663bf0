package io.homeostat.service.engine.facts;

import java.util.Objects;

/**
 * {@code resource} depends on {@code dependsOn} (both of {@code tenant}): from config.yml
 * {@code resources:} ({@code origin} "config"), or from the {@code depends_on} label of the resource's
 * signals ("label", a comma-separated list, derived by root-cause.drl). When both have issues, the
 * dependent's waits on the other's (root-cause.drl).
 */
public record Dependency(String tenant, String resource, String dependsOn, String origin) {
    public Dependency {
        tenant = FactText.identifier("tenant", tenant, 128);
        resource = FactText.identifier("resource", resource, 512);
        dependsOn = FactText.identifier("dependsOn", dependsOn, 512);
        Objects.requireNonNull(origin, "origin");
    }

    /** The dependencies a {@code depends_on} label names: comma-separated resource ids, blanks and itself skipped. */
    public static java.util.List<Dependency> fromLabel(String tenant, String resource, String label) {
        java.util.List<Dependency> out = new java.util.ArrayList<>();
        if (label == null) {
            return out;
        }
        for (String part : label.split(",")) {
            String on = part.trim();
            if (!on.isEmpty() && !on.equals(resource) && on.length() <= 512 && out.size() < 32) {
                out.add(new Dependency(tenant, resource, on, "label"));
            }
        }
        return out;
    }

    // Bean-style getters: rule constraints read properties.
    public String getTenant() {
        return tenant;
    }

    public String getResource() {
        return resource;
    }

    public String getDependsOn() {
        return dependsOn;
    }

    public String getOrigin() {
        return origin;
    }
}
