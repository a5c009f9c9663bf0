package io.homeostat.plugins.probe;

import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.pf4j.Extension;

/** {@code probe.tcp}: connects to {@code host}:{@code port}: {@code probe.success} and {@code probe.latency_ms}. */
@Extension
public class TcpProbe implements Collector {
    @Override
    public String id() {
        return "probe.tcp";
    }

    @Override
    public String description() {
        return "connect to host:port: probe.success, probe.latency_ms (settings: host, port)";
    }

    @Override
    public List<String> validate(PluginSettings target) {
        List<String> problems = new ArrayList<>();
        try {
            target.requiredString("host");
            if (!target.has("port")) {
                problems.add(target.path() + ".port is required");
            } else {
                target.integer("port", 0, 1, 65_535);
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    @Override
    public List<Reading> collect(CollectorContext context) throws Exception {
        PluginSettings settings = context.settings();
        long started = System.nanoTime();
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(settings.requiredString("host"), settings.integer("port", 0, 1, 65_535)),
                    (int) Math.max(1, context.remaining().toMillis()));
        }
        return List.of(Reading.of("probe.success", 1), Reading.of("probe.latency_ms", (System.nanoTime() - started) / 1_000_000.0, "ms"));
    }

    @Override
    public List<Reading> failed(CollectorContext context, String cause) {
        return List.of(Reading.of("probe.success", 0));
    }
}
