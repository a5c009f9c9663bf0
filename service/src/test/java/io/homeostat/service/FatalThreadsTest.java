package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A service thread that dies of something uncaught ends the process with status 70; other threads do not. */
class FatalThreadsTest {
    /** Run in a child JVM: one ordinary thread and then one service thread die of an Error. */
    public static final class Dying {
        public static void main(String[] args) throws Exception {
            FatalThreads.coverServiceThreads();
            Thread other = new Thread(() -> {
                throw new IllegalStateException("a library's thread");
            }, "library-thread");
            other.start();
            other.join();
            System.out.println("still running after a library thread died");
            new Thread(() -> {
                throw new LinkageError("simulated");
            }, "homeostat-signal-recorder").start();
            Thread.sleep(30_000);
            System.out.println("not reached");
        }
    }

    @Test
    void aServiceThreadDyingExitsWithStatus70() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"), Dying.class.getName())
                .redirectErrorStream(true).start();
        String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(child.exitValue()).as(output).isEqualTo(FatalThreads.EXIT_STATUS);
        assertThat(output).contains("still running after a library thread died")
                .contains("critical thread homeostat-signal-recorder died").doesNotContain("not reached");
    }
}
