package io.homeostat.plugins.process;

import io.homeostat.plugin.api.ActionContext;
import io.homeostat.plugin.api.ActionMetadata;
import io.homeostat.plugin.api.ActionResult;
import io.homeostat.plugin.api.RemediationAction;
import io.homeostat.plugin.api.RiskLevel;
import io.homeostat.plugin.api.PluginSettings;
import java.util.ArrayList;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.pf4j.Extension;

/**
 * {@code process.restart}: stops the allow-listed process of a resource (SIGTERM, then SIGKILL after
 * the stop timeout), starts it again with the configured command, and reports success only when
 * the new process stayed up for the settle time and, where configured, its health URL answers 2xx.
 */
@Extension
public class ProcessRestartAction implements RemediationAction {
    static final String ID = "process.restart";

    private final HealthProbe healthProbe = new HealthProbe();

    @Override
    public String id() {
        return ID;
    }

    /** Every allow-listed resource has a usable command (or restart command) and a pid file with it. */
    @Override
    public List<String> validate(PluginSettings settings) {
        List<String> problems = new ArrayList<>();
        for (String resource : settings.section("resources").keys()) {
            try {
                ProcessTarget.find(settings, resource);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        return problems;
    }

    @Override
    public ActionMetadata metadata() {
        return new ActionMetadata(
                "Restart the resource's allow-listed local process and check that it came back",
                RiskLevel.MEDIUM, 1.0, false, Set.of("service_down", "high_memory", "high_cpu"), 0.7);
    }

    @Override
    public ActionResult execute(ActionContext context) throws Exception {
        Optional<ProcessTarget> found = ProcessTarget.find(context.settings(), context.resource());
        if (found.isEmpty()) {
            return ActionResult.notApplicable("resource " + context.resource() + " is not allow-listed under "
                    + context.settings().path() + ".resources; nothing was run", Map.of());
        }
        ProcessTarget target = found.get();
        if (target.unit().isPresent()) {
            return SystemdUnit.restart(target, context, healthProbe);
        }
        return target.restartCommand().isEmpty() ? restartOwnProcess(target, context) : runRestartCommand(target, context);
    }

    /**
     * After a crash of the service cut a restart short: a process of the resource that started after
     * the attempt began is the restart's, and is reported (after its health URL answers, where one is
     * configured) rather than restarted again; none running means the crash came between stop and
     * start, and one is started; the old one still running means it was never stopped, and the
     * restart is done now. With a restart command the plugin cannot tell whether it ran: empty.
     */
    @Override
    public Optional<ActionResult> reconcile(ActionContext context, Instant startedAt) throws Exception {
        Optional<ProcessTarget> found = ProcessTarget.find(context.settings(), context.resource());
        if (found.isEmpty()) {
            return Optional.of(ActionResult.notApplicable("resource " + context.resource() + " is not allow-listed under "
                    + context.settings().path() + ".resources; nothing was run", Map.of()));
        }
        ProcessTarget target = found.get();
        if (target.command().isEmpty()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> current;
        try {
            current = runningProcess(target, context);
        } catch (Ambiguous e) {
            return Optional.of(ActionResult.failure(e.getMessage(), Map.of()));
        }
        Optional<Instant> began = current.flatMap(process -> process.info().startInstant());
        // Start times are kept to the clock tick: a process started in the same instant as the attempt is its own.
        if (began.isPresent() && !began.get().isBefore(startedAt.minusSeconds(1))) {
            long pid = current.get().pid();
            Map<String, String> details = new LinkedHashMap<>(Map.of("newPid", Long.toString(pid), "reconciled", "effect in place"));
            if (target.healthUrl().isPresent()) {
                Instant until = earliest(Instant.now().plus(target.startTimeout()), context.deadline());
                int status = healthProbe.awaitHealthy(target.healthUrl().get(), until, current.get()::isAlive);
                details.put("healthStatus", Integer.toString(status));
                if (status < 200 || status >= 300) {
                    return Optional.of(ActionResult.failure("the interrupted restart had started pid " + pid + ", but "
                            + target.healthUrl().get() + " did not answer 2xx in time", details));
                }
            }
            return Optional.of(ActionResult.success("the interrupted restart had started pid " + pid + " at " + began.get()
                    + "; it is running, not restarted again", details));
        }
        context.logger().info(current.isPresent()
                ? "pid " + current.get().pid() + " predates the interrupted restart: restarting it now"
                : "no process running after the interrupted restart: starting one");
        ActionResult completed = restartOwnProcess(target, context);
        Map<String, String> details = new LinkedHashMap<>(completed.details());
        details.put("reconciled", current.isPresent() ? "restarted" : "started");
        return Optional.of(completed.succeeded() ? ActionResult.success("completed after an interrupted restart: " + completed.message(),
                details) : ActionResult.failure("could not complete an interrupted restart: " + completed.message(), details));
    }

    private ActionResult restartOwnProcess(ProcessTarget target, ActionContext context) throws Exception {
        Map<String, String> details = new LinkedHashMap<>();
        Optional<ProcessHandle> old;
        try {
            old = runningProcess(target, context);
        } catch (Ambiguous e) {
            return ActionResult.failure(e.getMessage(), details);
        }
        if (old.isPresent()) {
            details.put("oldPid", Long.toString(old.get().pid()));
            if (!stop(old.get(), target, context)) {
                return ActionResult.failure("process " + old.get().pid() + " did not stop", details);
            }
        } else {
            context.logger().info("no running process found through " + target.pidFile().map(Path::toString)
                    .orElseGet(() -> "commandMatches " + target.commandMatches().orElseThrow()) + "; starting one");
        }

        // Stopping can take a while (the stop timeout): a replica paused or cut off meanwhile may have lost the resource
        // to another replica, which reconciles this restart. Starting a second process then would run the service twice.
        if (!context.mayAct()) {
            return ActionResult.failure("not starting " + context.resource() + " again: this replica no longer holds its lease "
                    + "(another replica took the resource over and completes the restart)", details);
        }
        ProcessBuilder builder = new ProcessBuilder(target.command()).redirectErrorStream(true);
        target.workingDirectory().ifPresent(directory -> builder.directory(directory.toFile()));
        cleanEnvironment(builder, target);
        if (target.logFile().isPresent()) {
            Files.createDirectories(target.logFile().get().toAbsolutePath().getParent());
            builder.redirectOutput(ProcessBuilder.Redirect.appendTo(target.logFile().get().toFile()));
        } else {
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        Process started = builder.start();
        // Recorded at once, before it settles: if the service dies now, the restart after it must find this
        // process (reconcile) rather than start a second one. A process that exits at once leaves a pid file
        // naming a dead process, which reads as "none running", as the stopped old one would.
        if (target.pidFile().isPresent()) {
            writePid(target.pidFile().get(), started.pid());
        }
        details.put("newPid", Long.toString(started.pid()));
        context.logger().info("started " + target.command().get(0) + " as pid " + started.pid());

        Instant startDeadline = earliest(Instant.now().plus(target.startTimeout()), context.deadline());
        Thread.sleep(Math.min(target.settleTime().toMillis(), context.remaining().toMillis()));
        if (!started.isAlive()) {
            details.put("exitCode", Integer.toString(started.exitValue()));
            return ActionResult.failure("restarted process exited within " + target.settleTime().toMillis() + " ms (exit code "
                    + started.exitValue() + ")", details);
        }
        if (target.commandMatches().isPresent() && Matching.processes(target.commandMatches().get()).stream().noneMatch(p -> p.pid() == started.pid())) {
            return ActionResult.failure("the started process (pid " + started.pid() + ") does not match commandMatches "
                    + target.commandMatches().get() + ": the next restart could not find it", details);
        }
        if (target.healthUrl().isPresent()) {
            int status = healthProbe.awaitHealthy(target.healthUrl().get(), startDeadline, started::isAlive);
            details.put("healthStatus", Integer.toString(status));
            if (status < 200 || status >= 300) {
                return ActionResult.failure("restarted process is " + (started.isAlive() ? "alive" : "dead")
                        + " but " + target.healthUrl().get() + " did not answer 2xx in time", details);
            }
        }
        return ActionResult.success("restarted: pid " + details.getOrDefault("oldPid", "none") + " -> " + started.pid(), details);
    }

    private ActionResult runRestartCommand(ProcessTarget target, ActionContext context) throws Exception {
        Map<String, String> details = new LinkedHashMap<>();
        ProcessBuilder builder = new ProcessBuilder(target.restartCommand()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        target.workingDirectory().ifPresent(directory -> builder.directory(directory.toFile()));
        cleanEnvironment(builder, target);
        Process process = builder.start();
        if (!process.waitFor(context.remaining().toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            return ActionResult.failure("restart command did not finish before the deadline", details);
        }
        details.put("exitCode", Integer.toString(process.exitValue()));
        if (process.exitValue() != 0) {
            return ActionResult.failure("restart command exited with " + process.exitValue(), details);
        }
        if (target.healthUrl().isPresent()) {
            Instant until = earliest(Instant.now().plus(target.startTimeout()), context.deadline());
            int status = healthProbe.awaitHealthy(target.healthUrl().get(), until, () -> true);
            details.put("healthStatus", Integer.toString(status));
            if (status < 200 || status >= 300) {
                return ActionResult.failure(target.healthUrl().get() + " did not answer 2xx after the restart", details);
            }
        }
        return ActionResult.success("restart command succeeded", details);
    }

    /** Several processes match commandMatches: which one is the resource's cannot be told, and none is touched. */
    static final class Ambiguous extends Exception {
        private static final long serialVersionUID = 1L;

        Ambiguous(String message) {
            super(message, null, false, false);
        }
    }

    /** The resource's running process: through its pid file, or the one process whose command line matches. */
    private static Optional<ProcessHandle> runningProcess(ProcessTarget target, ActionContext context) throws IOException, Ambiguous {
        if (target.pidFile().isPresent()) {
            return fromPidFile(target.pidFile().get(), target, context);
        }
        List<ProcessHandle> matching = Matching.processes(target.commandMatches().orElseThrow());
        if (matching.size() > 1) {
            throw new Ambiguous(matching.size() + " processes match commandMatches " + target.commandMatches().get() + " (pids "
                    + String.join(", ", matching.stream().map(p -> Long.toString(p.pid())).toList()) + "); none was stopped");
        }
        return matching.stream().findFirst();
    }

    /**
     * The process recorded in the pid file, if it is alive and still runs the configured executable.
     * The executable check keeps a recycled pid from getting some unrelated process killed.
     */
    private static Optional<ProcessHandle> fromPidFile(Path pidFile, ProcessTarget target, ActionContext context) throws IOException {
        if (!Files.exists(pidFile)) {
            return Optional.empty();
        }
        String text = Files.readString(pidFile, StandardCharsets.UTF_8).trim();
        long pid;
        try {
            pid = Long.parseLong(text);
        } catch (NumberFormatException e) {
            context.logger().warn("pid file " + pidFile + " does not hold a pid: '" + text + "'");
            return Optional.empty();
        }
        Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        if (handle.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> executable = handle.get().info().command();
        if (executable.isPresent() && !Executables.same(target.command().get(0), executable.get(), target.workingDirectory())) {
            // A recycled pid: the process we started is gone and this one is someone else's.
            context.logger().warn("pid " + pid + " from " + pidFile + " runs " + executable.get() + ", which is not "
                    + target.command().get(0) + " (" + Executables.resolve(target.command().get(0), target.workingDirectory())
                    .map(Path::toString).orElse("not found on PATH") + "); leaving it alone");
            return Optional.empty();
        }
        return handle;
    }

    /**
     * Started commands get an empty environment plus a few harmless variables and what the
     * operator configured for this resource: never the service's own, which holds its database
     * password and the tokens of every plugin.
     */
    private static void cleanEnvironment(ProcessBuilder builder, ProcessTarget target) {
        Map<String, String> environment = builder.environment();
        Map<String, String> inherited = Map.copyOf(environment);
        environment.clear();
        for (String harmless : INHERITED) {
            String value = inherited.get(harmless);
            if (value != null) {
                environment.put(harmless, value);
            }
        }
        environment.putIfAbsent("PATH", Executables.DEFAULT_PATH);
        environment.putAll(target.environment());
    }

    /** The only variables of the service's environment a started process sees. */
    private static final List<String> INHERITED = List.of("PATH", "LANG", "LC_ALL", "TZ", "HOME", "USER", "LOGNAME");

    private static boolean stop(ProcessHandle process, ProcessTarget target, ActionContext context)
            throws InterruptedException, ExecutionException {
        process.destroy();
        try {
            process.onExit().get(Math.min(target.stopTimeout().toMillis(), context.remaining().toMillis()), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            context.logger().warn("pid " + process.pid() + " ignored SIGTERM for " + target.stopTimeout() + "; killing it");
            process.destroyForcibly();
            try {
                process.onExit().get(Math.max(1000, context.remaining().toMillis()), TimeUnit.MILLISECONDS);
                return true;
            } catch (TimeoutException stillAlive) {
                return false;
            }
        }
    }

    private static void writePid(Path pidFile, long pid) throws IOException {
        Path absolute = pidFile.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temporary = absolute.resolveSibling(absolute.getFileName() + ".tmp");
        Files.writeString(temporary, Long.toString(pid), StandardCharsets.UTF_8);
        Files.move(temporary, absolute, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static Instant earliest(Instant first, Instant second) {
        return first.isBefore(second) ? first : second;
    }
}
