/**
 * Homeostat's plugin API: the {@link io.homeostat.plugin.api.RemediationAction} and
 * {@link io.homeostat.plugin.api.Collector} extension points
 * and the value types it exchanges with the service. Depends on pf4j and the JDK only; changes
 * here are versioned through {@link io.homeostat.plugin.api.PluginApi#VERSION}.
 */
package io.homeostat.plugin.api;
