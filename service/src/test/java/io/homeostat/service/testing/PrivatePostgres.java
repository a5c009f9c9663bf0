package io.homeostat.service.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of a test's own (Debian's binaries, trust auth, 127.0.0.1 on a free port), so
 * that a test can stop the database the service uses and start it again: a real outage, with
 * refused connections and broken ones, which the shared server on 5432 must not suffer. As root,
 * the cluster runs as the {@code postgres} user (initdb refuses root).
 */
public final class PrivatePostgres implements AutoCloseable {
    private final Path data;
    private final Path bin;
    private final int port;
    private final boolean asPostgres;

    private PrivatePostgres(Path data, Path bin, int port, boolean asPostgres) {
        this.data = data;
        this.bin = bin;
        this.port = port;
        this.asPostgres = asPostgres;
    }

    public static PrivatePostgres create() throws Exception {
        Path bin = binaries();
        boolean root = "root".equals(System.getProperty("user.name"));
        Path home = Files.createTempDirectory("homeostat-pg-", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path data = home.resolve("data");
        if (root) {
            UserPrincipal postgres = home.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
            Files.setOwner(home, postgres);
        }
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        PrivatePostgres cluster = new PrivatePostgres(data, bin, port, root);
        cluster.run(120, bin.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                "--no-sync");
        cluster.start();
        return cluster;
    }

    private static Path binaries() throws IOException {
        try (Stream<Path> versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(version -> version.resolve("bin")).filter(bin -> Files.isExecutable(bin.resolve("pg_ctl")))
                    .max(Path::compareTo).orElseThrow(() -> new IllegalStateException("no PostgreSQL binaries under /usr/lib/postgresql"));
        }
    }

    public void start() throws Exception {
        run(60, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-l", data.resolveSibling("server.log").toString(),
                "-o", "-c listen_addresses=127.0.0.1 -p " + port + " -k " + data + " -c fsync=off", "start");
    }

    /** An abrupt stop, as a crash or a lost host: open connections break, new ones are refused. */
    public void stopImmediately() throws Exception {
        run(60, bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-w", "-m", "immediate", "stop");
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    private void run(int seconds, String... command) throws Exception {
        List<String> line = new ArrayList<>();
        if (asPostgres) {
            line.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        line.addAll(List.of(command));
        Process process = new ProcessBuilder(line).redirectErrorStream(true).start();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(seconds, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", line) + " failed: " + new String(output));
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stopImmediately();
        } catch (IllegalStateException e) {
            // already stopped
        }
        try (Stream<Path> files = Files.walk(data.getParent())) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
