package io.homeostat.plugin.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginSupportTest {
    @TempDir
    Path directory;

    @Test
    void anAtomicWriteKeepsTheOldPermissionsFollowsALinkAndLeavesNoTemporaryFile() throws Exception {
        Path real = Files.writeString(directory.resolve("real.conf"), "old");
        Files.setPosixFilePermissions(real, PosixFilePermissions.fromString("rw-------"));
        Path link = Files.createSymbolicLink(directory.resolve("link.conf"), real);

        AtomicFiles.write(link, "new".getBytes());

        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readString(real)).isEqualTo("new");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(real))).isEqualTo("rw-------");
        try (var files = Files.list(directory)) {
            assertThat(files.map(path -> path.getFileName().toString())).containsExactlyInAnyOrder("real.conf", "link.conf");
        }
        Path fresh = directory.resolve("key.pem");
        AtomicFiles.write(fresh, "secret".getBytes(), PosixFilePermissions.fromString("rw-------"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh))).isEqualTo("rw-------");
    }

    @Test
    void aCommandRunsWithoutTheServicesEnvironmentAndItsFailureIsQuoted() throws Exception {
        Path seen = directory.resolve("env.txt");
        assertThat(Commands.run(List.of("/bin/sh", "-c", "env > " + seen), Duration.ofSeconds(10))).isEmpty();
        // This JVM has HOME and, under Maven, JAVA_HOME or MAVEN_* set; the child sees only PATH and LANG.
        assertThat(Files.readAllLines(seen)).allMatch(line -> line.startsWith("PATH=") || line.startsWith("LANG=") || line.startsWith("PWD=")
                || line.startsWith("SHLVL=") || line.startsWith("_="));

        assertThat(Commands.run(List.of("/bin/sh", "-c", "echo first; echo 'the last line' >&2; exit 3"), Duration.ofSeconds(10)))
                .contains("/bin/sh exited with 3: the last line");
        assertThat(Commands.run(List.of("/bin/sleep", "5"), Duration.ofMillis(300))).contains("/bin/sleep did not finish within 0 s");
        assertThat(Commands.run(List.of("/no/such/binary"), Duration.ofSeconds(1))).get().asString().startsWith("could not start /no/such/binary");
    }
}
