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

    /**
     * Half the default mix, half metrics that only the issue catalogue's rules read, mostly healthy
     * with a small share over their thresholds: probe latency, error rates, heartbeats (every 30 s
     * declared), health-check timeouts, queue fill, certificate days.
     */
    static List<Reading> catalogue(int count, int resources, long seed) {
        List<Reading> defaults = generate(count / 2, resources, seed);
        SplittableRandom random = new SplittableRandom(seed + 1_000);
        List<Reading> readings = new ArrayList<>(count);
        java.util.Map<String, String> names = new java.util.HashMap<>();
        for (int i = 0; i < count - defaults.size(); i++) {
            readings.add(defaults.get(i % defaults.size()));
            int host = random.nextInt(resources);
            String service = names.computeIfAbsent("service:s" + host, k -> k);
            readings.add(switch (i % 6) {
                case 0 -> new Reading(service, "probe.latency_ms", random.nextDouble() < 0.01 ? 250 + random.nextInt(500) : 5 + random.nextInt(150));
                case 1 -> new Reading(service, "http.error_rate", random.nextDouble() < 0.01 ? 6 + random.nextInt(20) : random.nextDouble() * 2);
                case 2 -> new Reading(service, "heartbeat", 30);
                case 3 -> new Reading(service, "healthcheck.timed_out", random.nextDouble() < 0.01 ? 1 : 0);
                case 4 -> new Reading(names.computeIfAbsent("queue:q" + host, k -> k), "queue.used_percent",
                        random.nextDouble() < 0.002 ? 85 + random.nextInt(15) : random.nextInt(60));
                default -> new Reading(names.computeIfAbsent("site:w" + host, k -> k), "cert.days_left",
                        random.nextDouble() < 0.001 ? 10 : 60 + random.nextInt(300));
            });
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
