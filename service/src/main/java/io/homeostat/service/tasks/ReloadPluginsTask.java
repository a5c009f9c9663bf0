package io.homeostat.service.tasks;

import io.dropwizard.servlets.tasks.Task;
import io.homeostat.service.plugins.PluginRegistry;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;

/**
 * {@code POST /tasks/reload-plugins} on the admin port: brings the loaded plugins in line with the
 * plugins directory now (as the watcher does after a change), and prints every jar that is rejected
 * with its reason; the last good version of a rejected jar keeps working.
 */
public final class ReloadPluginsTask extends Task {
    private final PluginRegistry plugins;

    public ReloadPluginsTask(PluginRegistry plugins) {
        super("reload-plugins");
        this.plugins = plugins;
    }

    @Override
    public void execute(Map<String, List<String>> parameters, PrintWriter output) {
        List<String> problems = plugins.rescan();
        output.println((problems.isEmpty() ? "loaded" : "loaded, " + problems.size() + " jar(s) rejected") + ": "
                + plugins.plugins().size() + " plugin(s)");
        problems.forEach(problem -> output.println("  rejected " + problem));
    }
}
