package io.homeostat.service.engine;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.drools.decisiontable.InputType;
import org.drools.decisiontable.SpreadsheetCompiler;
import org.kie.api.KieBase;
import org.kie.api.KieBaseConfiguration;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.conf.EventProcessingOption;

/**
 * Compiles the *.drl files of a directory into a stream-mode {@link RuleBase} with the classic
 * compiler, which reports every error at once with file and line. Each build gets its own release
 * id and its module is removed from the KieRepository right away, so that repeated builds do not
 * accumulate modules.
 */
public final class RuleBaseCompiler {
    private static final AtomicLong BUILDS = new AtomicLong();
    private static final String RESOURCES = "src/main/resources/";
    private static final Pattern PACKAGE = Pattern.compile("^\\s*package\\s+([A-Za-z_][\\w.]*)\\s*;?", Pattern.MULTILINE);

    private final KieServices services = KieServices.get();

    public RuleBase compile(Path directory) throws IOException, RuleCompilationException {
        return compile(read(directory));
    }

    /** The rule files of a directory and its sub-directories ({@link #isRulePath}), by name relative to it, sorted. */
    public static List<RuleSource> read(Path directory) throws IOException, RuleCompilationException {
        if (!Files.isDirectory(directory)) {
            throw new RuleCompilationException(List.of(new RuleProblem(directory.toString(), 0, 0, "rules directory does not exist")));
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(directory)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(path -> isRulePath(directory, path))
                    .sorted()
                    .toList();
        }
        if (files.isEmpty()) {
            throw new RuleCompilationException(List.of(new RuleProblem(directory.toString(), 0, 0,
                    "no *.drl or *.csv files in the rules directory")));
        }
        List<RuleSource> sources = new ArrayList<>();
        for (Path file : files) {
            sources.add(new RuleSource(directory.relativize(file).toString().replace('\\', '/'),
                    Files.readString(file, StandardCharsets.UTF_8)));
        }
        return sources;
    }

    /**
     * Rule files: DRL, thresholds tables ({@link ThresholdTable}: a CSV named {@code *thresholds.csv}), and
     * decision tables in any other CSV (Drools' decision-table layout: RuleSet, RuleTable, ...).
     */
    public static boolean isRuleFile(String name) {
        return name.endsWith(".drl") || name.endsWith(".csv");
    }

    /**
     * A rule file under {@code root}, not hidden and not inside a hidden directory: a {@code .git}
     * of a rules checkout, or an editor's {@code .x.drl} scratch copy, is not part of the rule base.
     */
    public static boolean isRulePath(Path root, Path file) {
        if (!isRuleFile(file.getFileName().toString())) {
            return false;
        }
        for (Path part : root.relativize(file)) {
            if (part.toString().startsWith(".")) {
                return false;
            }
        }
        return true;
    }

    /** Compiles rule sources held in memory (validation of candidates, tests). */
    public RuleBase compile(List<RuleSource> sources) throws RuleCompilationException {
        ReleaseId releaseId = services.newReleaseId("io.homeostat", "rules", "1.0." + BUILDS.incrementAndGet());
        KieFileSystem fileSystem = services.newKieFileSystem();
        fileSystem.generateAndWritePomXML(releaseId);
        // Each file goes under its package's folder (Drools warns otherwise); messages map back to the operator's name.
        Map<String, String> operatorNames = new HashMap<>();
        List<RuleProblem> tableProblems = new ArrayList<>();
        for (RuleSource source : sources) {
            String drl = source.content();
            String name = source.name();
            if (ThresholdTable.isThresholdTable(name)) {
                try {
                    drl = ThresholdTable.toDrl(name, drl);
                } catch (RuleCompilationException e) {
                    tableProblems.addAll(e.problems());
                    continue;
                }
                name = name + ".drl";
            } else if (name.endsWith(".csv")) {
                // The KieFileSystem does not take CSV decision tables by extension: turn them into DRL here.
                try {
                    drl = new SpreadsheetCompiler().compile(new java.io.ByteArrayInputStream(drl.getBytes(StandardCharsets.UTF_8)),
                            InputType.CSV);
                } catch (RuntimeException e) {
                    tableProblems.add(new RuleProblem(name, 0, 0, "not a decision table: " + e.getMessage()));
                    continue;
                }
                name = name + ".drl";
            }
            String path = packageFolder(drl) + name;
            operatorNames.put(path, source.name().endsWith(".csv") ? source.name() + " (generated rules)" : source.name());
            fileSystem.write(RESOURCES + path, drl);
        }
        if (!tableProblems.isEmpty()) {
            services.getRepository().removeKieModule(releaseId);
            throw new RuleCompilationException(tableProblems);
        }
        KieBuilder builder = services.newKieBuilder(fileSystem).buildAll();
        List<RuleProblem> problems = builder.getResults().getMessages(Message.Level.ERROR).stream()
                .map(message -> {
                    String path = stripPrefix(message.getPath());
                    return new RuleProblem(operatorNames.getOrDefault(path, path), message.getLine(), message.getColumn(),
                            message.getText().trim());
                })
                .toList();
        problems = withoutEchoes(problems);
        if (!problems.isEmpty()) {
            services.getRepository().removeKieModule(releaseId);
            throw new RuleCompilationException(problems);
        }
        KieBaseConfiguration configuration = services.newKieBaseConfiguration();
        configuration.setOption(EventProcessingOption.STREAM);
        KieBase kieBase = services.newKieContainer(releaseId).newKieBase(configuration);
        services.getRepository().removeKieModule(releaseId);
        return new RuleBase(kieBase, version(sources), sources);
    }

    /** Drops Drools' line-less "Parser returned a null Package" for a file that already has a located error. */
    private static List<RuleProblem> withoutEchoes(List<RuleProblem> problems) {
        java.util.Set<String> located = new java.util.HashSet<>();
        problems.stream().filter(problem -> problem.line() > 0).forEach(problem -> located.add(problem.file()));
        return problems.stream()
                .filter(problem -> problem.line() > 0 || !located.contains(problem.file()) || !problem.message().contains("null Package"))
                .toList();
    }

    private static String packageFolder(String drl) {
        Matcher matcher = PACKAGE.matcher(drl);
        return matcher.find() ? matcher.group(1).replace('.', '/') + "/" : "";
    }

    private static String stripPrefix(String path) {
        if (path == null) {
            return "?";
        }
        return path.startsWith(RESOURCES) ? path.substring(RESOURCES.length()) : path;
    }

    /** The content hash of a set of rule files: the same files give the same version, whatever their order. */
    public static String version(List<RuleSource> sources) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            sources.stream().sorted(java.util.Comparator.comparing(RuleSource::name)).forEach(source -> {
                digest.update(source.name().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
                digest.update(source.content().getBytes(StandardCharsets.UTF_8));
                digest.update((byte) 0);
            });
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    /** One rule file: its name relative to the rules directory and its text. */
    public record RuleSource(String name, String content) {
    }
}
