package io.homeostat.plugins.faulty;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.RiskLevel;
import java.util.Set;
import org.pf4j.Extension;

/** Actions that misbehave on purpose, so that tests prove the service survives them. */
public final class FaultyActions {
    private FaultyActions() {
    }

    private static ActionMetadata metadata(String what) {
        return new ActionMetadata(what, RiskLevel.LOW, 0.1, false, Set.of(), 0.5);
    }

    /** Throws from execute. */
    @Extension
    public static class Throwing implements RemediationAction {
        @Override
        public String id() {
            return "faulty.throw";
        }

        @Override
        public ActionMetadata metadata() {
            return FaultyActions.metadata("always throws");
        }

        @Override
        public ActionResult execute(ActionContext context) {
            throw new IllegalStateException("faulty.throw was asked to fail for " + context.resource());
        }
    }

    /** Never returns in time and ignores interrupts, like a plugin stuck in a native call. */
    @Extension
    public static class Hanging implements RemediationAction {
        @Override
        public String id() {
            return "faulty.hang";
        }

        @Override
        public ActionMetadata metadata() {
            return FaultyActions.metadata("hangs, ignoring interrupts, for 30 s");
        }

        @Override
        public ActionResult execute(ActionContext context) {
            long until = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < until) {
                try {
                    Thread.sleep(100);
                } catch (InterruptedException ignored) {
                    // Deliberately ignored: this is what a badly written plugin does.
                }
            }
            return ActionResult.success("finally returned", java.util.Map.of());
        }
    }

    /** Returns null instead of a result. */
    @Extension
    public static class Garbage implements RemediationAction {
        @Override
        public String id() {
            return "faulty.garbage";
        }

        @Override
        public ActionMetadata metadata() {
            return FaultyActions.metadata("returns null");
        }

        @Override
        public ActionResult execute(ActionContext context) {
            return null;
        }
    }

    /** Reports the thread it runs on and its context class loader, so tests can see how it was called. */
    @Extension
    public static class Introspect implements RemediationAction {
        @Override
        public String id() {
            return "faulty.introspect";
        }

        @Override
        public ActionMetadata metadata() {
            return FaultyActions.metadata("reports its calling thread and context class loader");
        }

        @Override
        public ActionResult execute(ActionContext context) {
            Thread current = Thread.currentThread();
            return ActionResult.success("introspected", java.util.Map.of(
                    "thread", current.getName(),
                    "contextClassLoaderIsPlugin", Boolean.toString(current.getContextClassLoader() == getClass().getClassLoader()),
                    "remainingMillis", Long.toString(context.remaining().toMillis())));
        }
    }

    /** Appends the remediation id to {@code callLog} (when set), so that tests can prove no attempt ran twice. */
    private static void logCall(String actionId, ActionContext context) throws java.io.IOException {
        java.util.Optional<String> log = context.settings().string("callLog");
        if (log.isPresent()) {
            java.nio.file.Files.writeString(java.nio.file.Path.of(log.get()), actionId + " " + context.remediationId() + "\n",
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        }
    }

    /** Takes {@code slowMillis} (default 20 s), interruptibly, then succeeds: an action still running when the service stops. */
    @Extension
    public static class Slow implements RemediationAction {
        @Override
        public String id() {
            return "faulty.slow";
        }

        @Override
        public ActionMetadata metadata() {
            return FaultyActions.metadata("takes a long time, then succeeds");
        }

        @Override
        public ActionResult execute(ActionContext context) throws Exception {
            logCall(id(), context);
            Thread.sleep(context.settings().integer("slowMillis", 20_000, 0, 600_000));
            // Loaded only now, from this plugin's jar: fails if the jar was unloaded under the running action.
            return Finished.result();
        }
    }

    /** First used at the end of a slow action (see {@link Slow}). */
    static final class Finished {
        private Finished() {
        }

        static ActionResult result() {
            return ActionResult.success("slowly done", java.util.Map.of());
        }
    }

    /** A high-risk action that succeeds: approval tests. */
    @Extension
    public static class Risky implements RemediationAction {
        @Override
        public String id() {
            return "faulty.risky";
        }

        @Override
        public ActionMetadata metadata() {
            return new ActionMetadata("high risk, succeeds", RiskLevel.HIGH, 0.1, false, Set.of(), 0.5);
        }

        @Override
        public ActionResult execute(ActionContext context) throws Exception {
            logCall(id(), context);
            return ActionResult.success("risky action done", java.util.Map.of());
        }
    }

    /**
     * Fails transiently ({@code transientFailures} times per remediation id, default 2), then
     * succeeds: the service's retries, with the same idempotency key each time.
     */
    @Extension
    public static class Flaky implements RemediationAction {
        private final java.util.Map<String, Integer> calls = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public String id() {
            return "faulty.flaky";
        }

        @Override
        public ActionMetadata metadata() {
            return FaultyActions.metadata("fails transiently, then succeeds");
        }

        @Override
        public ActionResult execute(ActionContext context) throws Exception {
            logCall(id(), context);
            int call = calls.merge(context.remediationId(), 1, Integer::sum);
            if (call <= context.settings().integer("transientFailures", 2, 0, 10)) {
                return ActionResult.transientFailure("busy, try again (call " + call + ")", java.util.Map.of());
            }
            return ActionResult.success("done on call " + call, java.util.Map.of());
        }
    }
}
