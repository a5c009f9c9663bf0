package io.homeostat.plugins.config;

import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import io.homeostat.plugin.support.AtomicFiles;
import io.homeostat.plugin.support.Hashes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pf4j.Extension;

/**
 * {@code config.drift}: compares a live file's hash with its desired version's (target settings: {@code path},
 * {@code desired}, as the action's) and reports {@code config.drift} 1 when they differ or the file is missing,
 * 0 when they match, labelled {@code path}, {@code desired} (its origin: the commit for git) and the two hashes
 * (shortened). A desired version that cannot be read fails the collection ({@code collector.up} 0): not
 * knowing is not "no drift".
 */
@Extension
public class DriftCollector implements Collector {
    @Override
    public String id() {
        return "config.drift";
    }

    @Override
    public String description() {
        return "a file against its desired version (a directory, or a path in a git repository): config.drift 1 or 0 (settings: path, desired)";
    }

    @Override
    public List<String> validate(PluginSettings target) {
        List<String> problems = new ArrayList<>();
        try {
            ConfigFile.parse(target, "collector");
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @Override
    public List<Reading> collect(CollectorContext context) throws Exception {
        ConfigFile file = ConfigFile.parse(context.settings(), context.resource());
        Desired desired = file.desired().read(context.remaining());
        Optional<byte[]> live = AtomicFiles.read(file.path());
        String liveSha = live.map(Hashes::sha256).orElse("");
        boolean drifted = !liveSha.equals(desired.sha256());
        return List.of(Reading.of("config.drift", drifted ? 1 : 0).labelled(Map.of(
                "path", file.path().toString(),
                "desired", desired.origin(),
                "desiredSha256", Hashes.shortly(desired.sha256()),
                "liveSha256", live.isPresent() ? Hashes.shortly(liveSha) : "missing")));
    }
}
