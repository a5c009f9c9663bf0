package io.homeostat.plugins.host;

import io.homeostat.plugin.api.Collector;
import io.homeostat.plugin.api.CollectorContext;
import io.homeostat.plugin.api.PluginSettings;
import io.homeostat.plugin.api.Reading;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.pf4j.Extension;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.software.os.OSFileStore;

/**
 * {@code host.metrics}: the host the service runs on, through OSHI. Of the target's resource:
 * {@code cpu.utilization} (percent busy since the last collection; over 200 ms on the first),
 * {@code memory.used_percent}, {@code load.1m}; and per mounted file system
 * {@code disk.used_percent} of the resource {@code disk:<name>:<mount>} ({@code <name>} is the
 * target resource's name), skipping pseudo file systems, or only the {@code mounts} listed.
 */
@Extension
public class HostMetrics implements Collector {
    private static final Set<String> PSEUDO = Set.of("tmpfs", "devtmpfs", "overlay", "squashfs", "proc", "sysfs", "cgroup", "cgroup2",
            "devpts", "mqueue", "nsfs", "autofs", "debugfs", "tracefs", "securityfs", "pstore", "bpf", "fusectl", "configfs", "ramfs");
    private final SystemInfo system = new SystemInfo();
    /** CPU ticks at the last collection, per target resource. */
    private final Map<String, long[]> lastTicks = new ConcurrentHashMap<>();

    @Override
    public String id() {
        return "host.metrics";
    }

    @Override
    public String description() {
        return "this host through OSHI: cpu.utilization, memory.used_percent, load.1m, disk.used_percent per mount (settings: mounts)";
    }

    @Override
    public List<String> validate(PluginSettings target) {
        try {
            target.stringList("mounts");
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(e.getMessage());
        }
    }

    @Override
    public List<Reading> collect(CollectorContext context) {
        CentralProcessor cpu = system.getHardware().getProcessor();
        long[] previous = lastTicks.get(context.resource());
        double busy = previous == null ? cpu.getSystemCpuLoad(200) : cpu.getSystemCpuLoadBetweenTicks(previous);
        lastTicks.put(context.resource(), cpu.getSystemCpuLoadTicks());
        GlobalMemory memory = system.getHardware().getMemory();
        List<Reading> readings = new ArrayList<>();
        readings.add(Reading.of("cpu.utilization", Math.max(0, busy) * 100, "percent"));
        readings.add(Reading.of("memory.used_percent", 100.0 * (memory.getTotal() - memory.getAvailable()) / memory.getTotal(), "percent"));
        double load = cpu.getSystemLoadAverage(1)[0];
        if (load >= 0) {
            readings.add(Reading.of("load.1m", load));
        }
        List<String> only = context.settings().stringList("mounts");
        String name = context.resource().substring(context.resource().indexOf(':') + 1);
        for (OSFileStore store : system.getOperatingSystem().getFileSystem().getFileStores(true)) {
            String mount = store.getMount();
            boolean wanted = only.isEmpty() ? !PSEUDO.contains(store.getType()) && store.getTotalSpace() > 0 : only.contains(mount);
            if (!wanted || store.getTotalSpace() <= 0) {
                continue;
            }
            double used = 100.0 * (store.getTotalSpace() - store.getUsableSpace()) / store.getTotalSpace();
            readings.add(Reading.of("disk.used_percent", used, "percent").about("disk:" + name + ":" + mount)
                    .labelled(Map.of("mount", mount, "fstype", store.getType())));
        }
        return readings;
    }
}
