package io.homeostat.service.plugins;

import io.homeostat.plugin.api.ActionResult;
import io.homeostat.service.retry.Backoff;
import io.homeostat.service.retry.FailureLog;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls into plugin code safely: on a thread of its own, with the plugin's class loader as context
 * class loader, waiting at most until a timeout. A plugin that throws, hangs or returns nothing
 * yields a failed result; a hung call's thread is abandoned, never waited for again.
 */
public final class PluginCaller implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PluginCaller.class);

    /** What a call produced: a result, or why there is none. */
    public record Outcome<T>(T value, String problem, boolean timedOut) {
        public boolean ok() {
            return problem == null;
        }
    }

    private final ExecutorService calls = Executors.newCachedThreadPool(named("homeostat-plugin-call-"));
    private final FailureLog failures = new FailureLog(LOG);

    public <T> Outcome<T> call(LoadedAction loaded, String what, Duration timeout, Callable<T> body) {
        return call(loaded.classLoader(), what, timeout, body);
    }

    /** Calls plugin code on a thread of its own, with {@code loader} as its context class loader, abandoned after {@code timeout}. */
    public <T> Outcome<T> call(ClassLoader loader, String what, Duration timeout, Callable<T> body) {
        // The caller's log ids (issue, decision, remediation) go with the call: the plugin's own lines carry them too.
        java.util.Map<String, String> ids = org.slf4j.MDC.getCopyOfContextMap();
        Future<T> call = calls.submit(() -> {
            Thread current = Thread.currentThread();
            ClassLoader previous = current.getContextClassLoader();
            current.setContextClassLoader(loader);
            if (ids != null) {
                org.slf4j.MDC.setContextMap(ids);
            }
            try {
                return body.call();
            } finally {
                org.slf4j.MDC.clear();
                current.setContextClassLoader(previous);
            }
        });
        try {
            T value = call.get(Math.max(1, timeout.toMillis()), TimeUnit.MILLISECONDS);
            return value == null ? new Outcome<>(null, what + " returned no result", false) : new Outcome<>(value, null, false);
        } catch (TimeoutException e) {
            call.cancel(true);
            return new Outcome<>(null, what + " did not return within " + timeout.toMillis() + " ms; abandoned", true);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            failures.threw(what, cause);
            return new Outcome<>(null, what + " threw " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), false);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            call.cancel(true);
            return new Outcome<>(null, "interrupted while waiting for " + what + " (service stopping)", false);
        }
    }

    /** An action call: the plugin's result, or a failure describing what went wrong. */
    public ActionResult action(LoadedAction loaded, String what, Duration timeout, Callable<ActionResult> body) {
        Outcome<ActionResult> outcome = call(loaded, what, timeout, body);
        return outcome.ok() ? outcome.value() : ActionResult.failure(outcome.problem(), Map.of());
    }

    /** What {@link #retrying} ended with: the last result, how many calls, and whether the service is stopping. */
    public record Retried(ActionResult result, int attempts, boolean interrupted) {
    }

    /**
     * Calls {@code attempt} until it succeeds, fails for good, or {@code maxAttempts} calls were
     * made, pausing as the one retry policy does ({@link Backoff#delay}: {@code backoff}, 2×, 4×, ...
     * at most 64×) after each transient (retryable) failure. Stops at once when the thread is
     * interrupted (the service is stopping).
     */
    public static Retried retrying(int maxAttempts, Duration backoff, java.util.function.Supplier<ActionResult> attempt, Runnable onRetry) {
        Backoff schedule = new Backoff(backoff, backoff.multipliedBy(64), Duration.ofDays(1));
        int attempts = 0;
        while (true) {
            attempts++;
            ActionResult result = attempt.get();
            if (Thread.currentThread().isInterrupted()) {
                return new Retried(result, attempts, true);
            }
            if (result.succeeded() || !result.retryable() || attempts >= maxAttempts) {
                return new Retried(result, attempts, false);
            }
            onRetry.run();
            try {
                Thread.sleep(schedule.delay(attempts).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Retried(result, attempts, true);
            }
        }
    }

    @Override
    public void close() {
        calls.shutdownNow();
    }

    public static ThreadFactory named(String prefix) {
        AtomicInteger counter = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
