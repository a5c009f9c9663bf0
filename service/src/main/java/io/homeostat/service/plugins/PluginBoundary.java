package io.homeostat.service.plugins;

import java.io.IOException;
import java.net.URL;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

/**
 * The parent of every plugin's class loader: it lets a plugin see the JDK, and from the service only
 * the plugin API, pf4j and slf4j (pf4j's {@code Plugin} hands its subclasses an slf4j logger, so that API is
 * part of pf4j's). Everything else the service has — its own classes, Jackson, Drools, Jetty, the JDBC
 * drivers — is invisible, so that a plugin runs with the libraries it bundles and never binds to the
 * service's by accident (the approach Trino takes). This is a boundary against accidents, not a sandbox:
 * a plugin may still ask for the system class loader by name.
 */
final class PluginBoundary extends ClassLoader {
    /** Class-name prefixes a plugin takes from the service. */
    static final List<String> SHARED_PACKAGES = List.of("io.homeostat.plugin.api.", "org.pf4j.", "org.slf4j.");

    private final ClassLoader service;

    static {
        registerAsParallelCapable();
    }

    /** @param service the class loader that holds the plugin API and pf4j (the service's own) */
    PluginBoundary(ClassLoader service) {
        // The platform loader has the JDK's modules (java.sql, java.net.http, ...) and none of the class path.
        super("homeostat-plugin-boundary", ClassLoader.getPlatformClassLoader());
        this.service = Objects.requireNonNull(service, "service");
    }

    static boolean shared(String className) {
        for (String prefix : SHARED_PACKAGES) {
            if (className.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    private static boolean sharedResource(String resource) {
        return shared(resource.replace('/', '.'));
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (shared(name)) {
            return service.loadClass(name);
        }
        return super.loadClass(name, resolve);
    }

    @Override
    public URL getResource(String name) {
        return sharedResource(name) ? service.getResource(name) : super.getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        // The service's META-INF/services and extensions.idx files stay out of the plugin's view too.
        return sharedResource(name) ? service.getResources(name) : getParent().getResources(name);
    }
}
