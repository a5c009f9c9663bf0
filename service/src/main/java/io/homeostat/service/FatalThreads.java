package io.homeostat.service;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What happens when a thread the service cannot work without dies of something no iteration
 * catches (an Error): the process exits with status 70 so that its supervisor restarts it from the
 * stored state. Before, the engine thread died, the API kept answering 202 into a queue nobody
 * drained, and nothing but a log line said so. The exit runs the shutdown hooks (an orderly stop);
 * if they hang, the process is halted 15 s later.
 */
final class FatalThreads implements Thread.UncaughtExceptionHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FatalThreads.class);
    static final int EXIT_STATUS = 70;

    /**
     * Makes the service's own threads (named {@code homeostat-...}: the signal recorder, the rule and
     * plugin watchers, the remediation supervisors) fatal when they die of something uncaught, as the
     * engine thread is: each of them catches what it can go on after, so what escapes is an Error,
     * and a service silently missing its recorder or its watcher is worse than one that restarts.
     * Other threads (Jetty's, libraries') keep the handler they had.
     */
    static synchronized void coverServiceThreads() {
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        if (previous instanceof Covering) {
            return; // a second application in the same JVM (tests): already covered
        }
        Thread.setDefaultUncaughtExceptionHandler(new Covering(new FatalThreads(), previous));
    }

    /** The JVM's default handler while the service runs: fatal for its own threads, as before for the others. */
    private record Covering(FatalThreads fatal, Thread.UncaughtExceptionHandler previous) implements Thread.UncaughtExceptionHandler {
        @Override
        public void uncaughtException(Thread thread, Throwable error) {
            if (thread.getName().startsWith("homeostat-")) {
                fatal.uncaughtException(thread, error);
            } else if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                LOG.error("thread {} died", thread.getName(), error);
            }
        }
    }

    @Override
    public void uncaughtException(Thread thread, Throwable error) {
        LOG.error("critical thread {} died; exiting with status {} so that the supervisor restarts the service from its stored state",
                thread.getName(), EXIT_STATUS, error);
        System.err.println("homeostat: critical thread " + thread.getName() + " died (" + error + "); exiting with status " + EXIT_STATUS);
        Thread halt = new Thread(() -> {
            try {
                Thread.sleep(15_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Runtime.getRuntime().halt(EXIT_STATUS);
        }, "homeostat-fatal-halt");
        halt.setDaemon(true);
        halt.start();
        new Thread(() -> System.exit(EXIT_STATUS), "homeostat-fatal-exit").start();
    }
}
