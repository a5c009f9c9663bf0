package io.homeostat.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The command line as an operator meets it: a real JVM per command, its exit status and what it
 * prints. An operator's mistake is one line on standard error and exit status 1, never a stack trace.
 */
class CommandLineIntegrationTest {
    @TempDir
    Path directory;

    record Ran(int status, List<String> out, List<String> err) {
        List<String> errorLines() {
            return err.stream().filter(line -> !line.startsWith("INFO ") && !line.startsWith("WARN ") && !line.isBlank()).toList();
        }
    }

    private Ran run(String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-cp",
                System.getProperty("java.class.path"), HomeostatApplication.class.getName()));
        command.addAll(List.of(arguments));
        Path out = directory.resolve("out.txt");
        Path err = directory.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().remove("HOMEOSTAT_DEBUG");
        Process process = builder.start();
        assertThat(process.waitFor(90, TimeUnit.SECONDS)).as(String.join(" ", arguments) + " finished").isTrue();
        return new Ran(process.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8), Files.readAllLines(err, StandardCharsets.UTF_8));
    }

    private Path config(int port, int adminPort) throws Exception {
        Path file = directory.resolve("config.yml");
        Files.writeString(file, String.join("\n",
                "server:",
                "  applicationConnectors: [{type: http, bindHost: 127.0.0.1, port: " + port + "}]",
                "  adminConnectors: [{type: http, bindHost: 127.0.0.1, port: " + adminPort + "}]",
                "database:",
                "  driverClass: org.h2.Driver",
                "  url: jdbc:h2:" + directory.resolve("db").toAbsolutePath() + ";MODE=PostgreSQL",
                "  user: sa",
                "  password: ''",
                "engine: {rulesDirectory: " + io.homeostat.service.testing.TestApp.shippedRules().toAbsolutePath() + "}",
                "plugins: {directory: " + io.homeostat.service.testing.TestApp.shippedPlugins().toAbsolutePath()
                        + ", settings: {notify: {url: \"http://127.0.0.1:9/escalations\"}}}",
                "recording: {directory: " + directory.resolve("signals") + "}",
                ""));
        return file;
    }

    private static void assertOneLine(Ran ran, String startsWith) {
        assertThat(ran.status()).as("exit status; stderr: " + ran.err()).isEqualTo(1);
        assertThat(ran.errorLines()).as("stderr").hasSize(1);
        assertThat(ran.errorLines().get(0)).startsWith(startsWith);
        assertThat(String.join("\n", ran.err()) + String.join("\n", ran.out())).doesNotContain("\tat ").doesNotContain("! at ");
    }

    @Test
    void aMissingOrWrongConfigurationFileIsOneLine() throws Exception {
        assertOneLine(run("server", "missing.yml"), "error: no such file: File missing.yml not found");
        Files.createDirectories(directory.resolve("rules/scenarios"));
        assertOneLine(run("rules", "test", "rules/scenarios"), "error: no such file: rules/scenarios");
    }

    @Test
    void aSecondStartOnABusyPortSaysSoBeforeTouchingTheDatabase() throws Exception {
        try (ServerSocket busy = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Path config = config(busy.getLocalPort(), 0);
            assertOneLine(run("server", config.toString()), "error: port " + busy.getLocalPort() + " on 127.0.0.1 is already in use");
            assertThat(directory.resolve("db.mv.db")).as("nothing was migrated").doesNotExist();
        }
    }

    @Test
    void migratingADatabaseAnotherProcessHoldsIsOneLine() throws Exception {
        Path config = config(0, 0);
        try (Connection held = DriverManager.getConnection("jdbc:h2:" + directory.resolve("db").toAbsolutePath() + ";MODE=PostgreSQL",
                "sa", "")) {
            assertOneLine(run("db", "migrate", config.toString()), "error: the database is in use by another process");
        }
        Ran migrated = run("db", "migrate", config.toString());
        assertThat(migrated.status()).as(migrated.err().toString()).isZero();
    }

    @Test
    void aBrokenRulesDirectoryIsItsProblemsAndOneErrorLine() throws Exception {
        Path config = config(0, 0);
        Path broken = Files.createDirectories(directory.resolve("broken"));
        Files.writeString(broken.resolve("x.drl"), "rule \"x\" when then");
        Ran ran = run("rules", "validate", "--rules", broken.toString(), config.toString());
        assertThat(ran.status()).isEqualTo(1);
        assertThat(ran.out()).anySatisfy(line -> assertThat(line).contains("x.drl:"));
        assertThat(ran.errorLines()).containsExactly("error: " + broken + " does not compile; nothing was applied");
        assertOneLine(run("keys", "create", "--role", "viewer", config.toString()), "error: --name is required for keys create");
        assertOneLine(run("keys", "create", "--name", "ci", "--role", "root", "--tenant", "a", config.toString()),
                "error: 'role': unknown role 'root'");
    }

    @Test
    void auditVerifyNamesTheFirstRowThatDoesNotFollow() throws Exception {
        Path config = config(0, 0);
        assertThat(run("keys", "create", "--name", "ci", "--role", "viewer", "--tenant", "a", config.toString()).status()).isZero();
        assertThat(run("keys", "create", "--name", "cd", "--role", "viewer", "--tenant", "a", config.toString()).status()).isZero();
        Ran holds = run("audit", "verify", config.toString());
        assertThat(holds.status()).as(holds.err().toString()).isZero();
        assertThat(holds.out()).contains("the audit chain holds: 2 rows, every hash follows");
        try (Connection connection = DriverManager.getConnection("jdbc:h2:" + directory.resolve("db").toAbsolutePath() + ";MODE=PostgreSQL",
                "sa", ""); java.sql.Statement statement = connection.createStatement()) {
            statement.executeUpdate("UPDATE audit SET actor = 'someone else' WHERE seq = 1");
        }
        assertOneLine(run("audit", "verify", config.toString()),
                "error: the audit chain is broken at row 1: row 1 was changed: its content does not match its hash");
    }
}
