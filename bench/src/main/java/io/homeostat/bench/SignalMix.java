package io.homeostat.bench;

import io.homeostat.service.engine.facts.Signal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The benchmark's signals: a fixed-seed mix of the four default metrics over a fleet of resources,
 * mostly healthy with a small share over the thresholds, so that rules open some issues and make
 * some decisions, as in production. The same mix feeds the in-process and end-to-end runs.
 */
final class SignalMix {
    record Reading(String resource, String metric, double value) {
        String json() {
            return "{\"resource\":\"" + resource + "\",\"metric\":\"" + metric + "\",\"value\":" + value + ",\"source\":\"bench\"}";
        }

        Signal signal(long now) {
            return new Signal("default", resource, metric, value, now, null, "bench", Map.of(), System.nanoTime());
        }
    }

    private SignalMix() {
    }

    /**
     * Resource names are shared instances, one per resource, as intake's canonicalizer makes them
     * in the service: the baseline must not pay for string hashing that the service does not.
     */
    static List<Reading> generate(int count, int resources, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Reading> readings = new ArrayList<>(count);
        java.util.Map<String, String> names = new java.util.HashMap<>();
        for (int i = 0; i < count; i++) {
            int host = random.nextInt(resources);
            switch (i % 4) {
                case 0 -> readings.add(new Reading(names.computeIfAbsent("host:h" + host, k -> k), "cpu.utilization",
                        random.nextDouble() < 0.01 ? 90 + random.nextInt(10) : 20 + random.nextInt(60)));
                case 1 -> readings.add(new Reading(names.computeIfAbsent("service:s" + host, k -> k), "memory.used_percent",
                        random.nextDouble() < 0.001 ? 95 : 40 + random.nextInt(45)));
                case 2 -> readings.add(new Reading(names.computeIfAbsent("disk:h" + host + ":/var", k -> k), "disk.used_percent",
                        random.nextDouble() < 0.0005 ? 99 : 50 + random.nextInt(40)));
                default -> readings.add(new Reading(names.computeIfAbsent("service:s" + host, k -> k), "probe.success",
                        random.nextDouble() < 0.005 ? 0 : 1));
            }
        }
        return readings;
    }

    static List<String> batches(List<Reading> readings, int batchSize) {
        List<String> bodies = new ArrayList<>();
        for (int start = 0; start < readings.size(); start += batchSize) {
            StringBuilder body = new StringBuilder("{\"signals\":[");
            for (int i = start; i < Math.min(start + batchSize, readings.size()); i++) {
                if (i > start) {
                    body.append(',');
                }
                body.append(readings.get(i).json());
            }
            bodies.add(body.append("]}").toString());
        }
        return bodies;
    }
}
