package io.homeostat.service.plugins;

import org.pf4j.ClassLoadingStrategy;
import org.pf4j.PluginClassLoader;
import org.pf4j.PluginDescriptor;
import org.pf4j.PluginManager;

/**
 * A plugin's class loader: its own jar first, then the {@link PluginBoundary}. The shared packages
 * always come from the service, even when a jar bundles a copy of them: two copies of the plugin API
 * would make its actions unusable ({@code ClassCastException} at the first call).
 */
final class BoundedPluginClassLoader extends PluginClassLoader {
    BoundedPluginClassLoader(PluginManager manager, PluginDescriptor descriptor, ClassLoader service) {
        super(manager, descriptor, new PluginBoundary(service), ClassLoadingStrategy.PDA);
    }

    @Override
    protected boolean shouldDelegateToParent(String className) {
        return PluginBoundary.shared(className);
    }
}
