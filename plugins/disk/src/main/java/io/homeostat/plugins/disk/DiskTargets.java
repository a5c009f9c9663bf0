package io.homeostat.plugins.disk;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.PluginSettings;
import java.util.ArrayList;
import java.util.List;


/**
 * Which allowed directories an action call may touch: those that
 * {@code plugins.settings.disk.resources.<resource>} lists, narrowed to one by the rule's
 * {@code directory} parameter (a name, never a path).
 */
final class DiskTargets {
    private DiskTargets() {
    }

    /** Every problem of the plugin's settings, each with its path. */
    static List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        PluginSettings directories = settings.section("directories");
        for (String name : directories.keys()) {
            try {
                AllowedDirectory.parse(directories, name);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        PluginSettings resources = settings.section("resources");
        for (String resource : resources.keys()) {
            try {
                for (String name : resources.stringList(resource)) {
                    if (!directories.has(name)) {
                        problems.add(resources.path() + ".\"" + resource + "\" names directory '" + name + "', which "
                                + directories.path() + " does not define");
                    }
                }
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        try {
            dryRunSetting(settings);
            settings.integer("maxFilesPerRun", 10_000, 1, 10_000_000);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    /** The directories of this call; empty when the resource has none (the action does not apply). */
    static List<AllowedDirectory> of(ActionContext context) {
        PluginSettings settings = context.settings();
        PluginSettings directories = settings.section("directories");
        List<String> names = settings.section("resources").stringList(context.resource());
        String only = context.parameters().get("directory");
        List<AllowedDirectory> out = new ArrayList<>();
        for (String name : names) {
            if (only == null || only.equals(name)) {
                out.add(AllowedDirectory.parse(directories, name));
            }
        }
        return out;
    }

    /** Why nothing applies, for the not-applicable result. */
    static String none(ActionContext context) {
        String only = context.parameters().get("directory");
        String path = context.settings().path();
        return only == null
                ? "resource " + context.resource() + " has no directories under " + path + ".resources; nothing was touched"
                : "directory '" + only + "' is not one of resource " + context.resource() + "'s under " + path + ".resources; nothing was touched";
    }

    /** Dry run: the plugin's {@code dryRun} setting, or a rule's {@code dryRun=true} parameter (a rule may only make a call safer). */
    static boolean dryRun(ActionContext context) {
        return dryRunSetting(context.settings()) || "true".equals(context.parameters().get("dryRun"));
    }

    private static boolean dryRunSetting(PluginSettings settings) {
        String text = settings.string("dryRun").orElse("false");
        if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException(settings.path() + ".dryRun must be true or false, was '" + text + "'");
        }
        return text.equals("true");
    }

}
