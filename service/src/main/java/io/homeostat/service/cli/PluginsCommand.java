package io.homeostat.service.cli;

import io.dropwizard.core.cli.Cli;
import io.dropwizard.core.cli.ConfiguredCommand;
import io.dropwizard.core.setup.Bootstrap;
import io.homeostat.service.HomeostatConfiguration;
import io.homeostat.service.plugins.PluginInfo;
import io.homeostat.service.plugins.PluginRegistry;
import java.nio.file.Path;
import java.util.List;
import net.sourceforge.argparse4j.inf.Namespace;
import net.sourceforge.argparse4j.inf.Subparser;

/**
 * {@code plugins list config.yml}: loads the plugin jars of the configured directory as the
 * service would, prints each plugin with its version, jar and actions (with risk, cost,
 * reversibility and prior), and every jar that would be rejected with the reason. Exits non-zero
 * when a jar is rejected, so that a deploy pipeline can check a jar before it is dropped in.
 */
public final class PluginsCommand extends ConfiguredCommand<HomeostatConfiguration> {
    public PluginsCommand() {
        super("plugins", "Plugin operations: list (load the plugin directory as the service would and report)");
    }

    @Override
    public void configure(Subparser subparser) {
        subparser.addArgument("action").choices("list").help("what to do");
        super.configure(subparser);
    }

    @Override
    protected void run(Bootstrap<HomeostatConfiguration> bootstrap, Namespace namespace, HomeostatConfiguration configuration) {
        PluginRegistry registry = new PluginRegistry(Path.of(configuration.getPlugins().getDirectory()),
                configuration.getPlugins()::settingsFor);
        try {
            List<String> problems = registry.load();
            for (PluginInfo plugin : registry.plugins()) {
                System.out.println(plugin.id() + " " + plugin.version() + " (" + plugin.jar() + ") " + plugin.state());
                for (PluginInfo.Action action : plugin.actions()) {
                    System.out.println("  " + action.id() + ": " + action.description() + " [risk " + action.risk() + ", cost "
                            + action.cost() + (action.reversible() ? ", reversible" : "") + ", prior " + action.priorSuccessRate() + "]");
                }
                for (PluginInfo.CollectorInfo collector : plugin.collectors()) {
                    System.out.println("  collector " + collector.id() + ": " + collector.description());
                }
            }
            problems.forEach(problem -> System.out.println("REJECTED " + problem));
            if (!problems.isEmpty()) {
                throw new IllegalStateException(problems.size() + " plugin jar(s) rejected");
            }
        } finally {
            registry.stop();
        }
    }

    /** An operator's mistake is one line, not a stack trace. */
    @Override
    public void onError(Cli cli, Namespace namespace, Throwable error) {
        CommandErrors.print(cli, error);
    }
}
