package io.homeostat.plugins.kubernetes;

import io.fabric8.kubernetes.api.model.Quantity;
import io.homeostat.plugin.api.PluginSettings;
import java.math.BigDecimal;

/**
 * The ceilings the scaling and memory actions stay under: {@code maxReplicas} (10), {@code maxScaleStep}
 * (the most replicas one action adds, 3), {@code memoryCeiling} (a limit is never raised past it, 4Gi) and
 * {@code maxMemoryFactor} (the largest factor one action may apply, 2). Set once for the plugin and
 * overridable per resource.
 */
record Limits(int maxReplicas, int maxScaleStep, BigDecimal memoryCeilingBytes, String memoryCeiling, double maxMemoryFactor) {
    static final Limits DEFAULTS = new Limits(10, 3, Quantity.getAmountInBytes(new Quantity("4Gi")), "4Gi", 2.0);

    static Limits read(PluginSettings section, Limits fallback) {
        int maxReplicas = section.integer("maxReplicas", fallback.maxReplicas, 1, 10_000);
        int maxScaleStep = section.integer("maxScaleStep", fallback.maxScaleStep, 1, 100);
        String ceiling = section.string("memoryCeiling").orElse(fallback.memoryCeiling);
        BigDecimal bytes;
        try {
            bytes = Quantity.getAmountInBytes(Quantity.parse(ceiling));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(section.path() + ".memoryCeiling must be a Kubernetes quantity such as 4Gi or 512Mi, was '"
                    + ceiling + "'");
        }
        if (bytes.signum() <= 0) {
            throw new IllegalArgumentException(section.path() + ".memoryCeiling must be more than 0, was '" + ceiling + "'");
        }
        double factor = fallback.maxMemoryFactor;
        String text = section.string("maxMemoryFactor").orElse(null);
        if (text != null) {
            try {
                factor = Double.parseDouble(text);
            } catch (NumberFormatException e) {
                factor = Double.NaN;
            }
            if (!(factor > 1.0 && factor <= 10.0)) {
                throw new IllegalArgumentException(section.path() + ".maxMemoryFactor must be a number above 1 and at most 10, was '" + text + "'");
            }
        }
        return new Limits(maxReplicas, maxScaleStep, bytes, ceiling, factor);
    }
}
