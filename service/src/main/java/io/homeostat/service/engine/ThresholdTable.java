package io.homeostat.service.engine;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.homeostat.service.engine.facts.Severity;
import io.homeostat.service.engine.facts.Signal;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.drools.template.DataProviderCompiler;
import org.drools.template.objects.ArrayDataProvider;

/**
 * A thresholds table: one CSV row per issue type, each number written once. Every row expands,
 * through the Drools template {@code thresholds.drt}, into the three rules a threshold needs (open
 * an issue, record more evidence, note a healthy reading), with the metric and the threshold
 * written in as literals: generated rules cost what hand-written ones do, which rules that read
 * their thresholds from facts did not (docs/BENCHMARKS.md, run 22). The healthy side is the
 * negation of the unhealthy one, so that the two cannot disagree.
 */
public final class ThresholdTable {
    /** The table's columns, in any order in the file; {@link #rows} hands the template its cells in its header's order. */
    static final List<String> COLUMNS = List.of("type", "metric", "when", "threshold", "readings", "window", "severity", "category", "summary");
    /** Columns a table may leave out: {@code critical}, a comparison such as {@code < 7} past which the issue is critical. */
    static final List<String> OPTIONAL = List.of("critical");
    private static final Pattern CRITICAL = Pattern.compile("(>=|<=|>|<)\\s*(\\S+)");

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Pattern METRIC = Pattern.compile("[A-Za-z0-9_.:-]{1,128}");
    private static final Pattern WINDOW = Pattern.compile("([1-9][0-9]{0,5})([smh])");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");
    private static final int MAX_READINGS = 100_000;
    private static final String TEMPLATE = "thresholds.drt";
    /** The rule that raises an issue to critical, expanded only for the rows that have a critical level. */
    private static final String CRITICAL_TEMPLATE = "thresholds-critical.drt";

    private ThresholdTable() {
    }

    /** Whether a rule file is a thresholds table rather than a Drools decision table: its name ends in {@code thresholds.csv}. */
    public static boolean isThresholdTable(String name) {
        return name.endsWith("thresholds.csv");
    }

    /**
     * The DRL of a thresholds table.
     *
     * @throws RuleCompilationException naming the file, line and column of every bad cell
     */
    public static String toDrl(String file, String csv) throws RuleCompilationException {
        List<String[]> rows = rows(file, csv);
        if (rows.isEmpty()) {
            return "package homeostat.rules.thresholds;\n";
        }
        String drl = expand(TEMPLATE, rows.stream().map(row -> java.util.Arrays.copyOf(row, 12)).toList());
        List<String[]> critical = rows.stream().filter(row -> !row[12].isEmpty())
                .map(row -> new String[] {row[0], row[1], row[4], row[12], row[13]}).toList();
        if (critical.isEmpty()) {
            return drl;
        }
        // One package: the second expansion's package and import lines are the first's.
        String criticalRules = expand(CRITICAL_TEMPLATE, critical);
        return drl + criticalRules.substring(criticalRules.indexOf("\nrule ") + 1);
    }

    private static String expand(String name, List<String[]> rows) {
        try (InputStream template = ThresholdTable.class.getResourceAsStream(name)) {
            if (template == null) {
                throw new IllegalStateException(name + " is missing from the service jar");
            }
            return new DataProviderCompiler().compile(new ArrayDataProvider(rows.toArray(String[][]::new)), template);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The template's rows: the checked cells, then the healthy comparison and the three rule names. */
    static List<String[]> rows(String file, String csv) throws RuleCompilationException {
        List<RuleProblem> problems = new ArrayList<>();
        List<String[]> rows = new ArrayList<>();
        CsvMapper mapper = new CsvMapper();
        try (MappingIterator<List<String>> lines = mapper.readerForListOf(String.class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY).with(CsvParser.Feature.SKIP_EMPTY_LINES).with(CsvParser.Feature.TRIM_SPACES)
                .with(CsvSchema.emptySchema().withComments())
                .readValues(csv)) {
            Map<String, Integer> header = null;
            Set<String> types = new HashSet<>();
            while (lines.hasNextValue()) {
                int line = lines.getCurrentLocation().getLineNr();
                List<String> cells = lines.nextValue();
                if (header == null) {
                    header = header(file, line, cells, problems);
                    if (header == null) {
                        break;
                    }
                    continue;
                }
                String[] row = row(file, line, cells, header, problems);
                if (row != null && !types.add(row[0])) {
                    problems.add(new RuleProblem(file, line, 1, "type '" + row[0] + "' has a row already: one row per issue type"));
                } else if (row != null) {
                    rows.add(row);
                }
            }
            if (header == null && problems.isEmpty()) {
                problems.add(new RuleProblem(file, 1, 0, "no header row: expected " + String.join(",", COLUMNS)));
            }
        } catch (IOException | RuntimeException e) {
            problems.add(new RuleProblem(file, 0, 0, "not a CSV thresholds table: " + e.getMessage()));
        }
        if (!problems.isEmpty()) {
            throw new RuleCompilationException(problems);
        }
        return rows;
    }

    private static Map<String, Integer> header(String file, int line, List<String> cells, List<RuleProblem> problems) {
        Map<String, Integer> header = new LinkedHashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            String name = cells.get(i).toLowerCase(Locale.ROOT);
            if (!COLUMNS.contains(name) && !OPTIONAL.contains(name)) {
                problems.add(new RuleProblem(file, line, i + 1, "unknown column '" + cells.get(i) + "': the columns are "
                        + String.join(",", COLUMNS) + " and, optionally, " + String.join(",", OPTIONAL)));
            } else if (header.put(name, i) != null) {
                problems.add(new RuleProblem(file, line, i + 1, "column '" + name + "' appears twice"));
            }
        }
        List<String> missing = COLUMNS.stream().filter(column -> !header.containsKey(column)).toList();
        if (!missing.isEmpty()) {
            problems.add(new RuleProblem(file, line, 0, "missing column(s) " + String.join(",", missing)));
        }
        return problems.isEmpty() ? header : null;
    }

    private static String[] row(String file, int line, List<String> cells, Map<String, Integer> header, List<RuleProblem> problems) {
        int before = problems.size();
        Cells at = new Cells(file, line, cells, header, problems);
        String type = at.matching("type", NAME, "a lower-case name such as high_cpu");
        String metric = at.matching("metric", METRIC, "letters, digits and . _ : -");
        String when = at.get("when");
        String threshold = number(at, "threshold");
        Integer readings = readings(at);
        Matcher window = WINDOW.matcher(at.get("window"));
        String windowText = null;
        String windowMillis = null;
        if (!window.matches()) {
            at.problem("window", "'" + at.get("window") + "' is not a window: a whole number of s, m or h, such as 2m");
        } else {
            long amount = Long.parseLong(window.group(1));
            long seconds = amount * switch (window.group(2)) { case "s" -> 1; case "m" -> 60; default -> 3_600; };
            if (seconds * 1_000 > Signal.LIFETIME.toMillis()) {
                // A reading is forgotten after its lifetime; a longer window would silently count less.
                at.problem("window", "'" + at.get("window") + "' is longer than a reading is kept (" + Signal.LIFETIME.toMinutes() + "m)");
            }
            windowMillis = String.valueOf(seconds * 1_000);
            String unit = switch (window.group(2)) { case "s" -> "second"; case "m" -> "minute"; default -> "hour"; };
            windowText = amount + " " + unit + (amount == 1 ? "" : "s");
        }
        Severity severity = null;
        try {
            severity = Severity.valueOf(at.get("severity").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            at.problem("severity", "'" + at.get("severity") + "' is not a severity: info, low, medium, high or critical");
        }
        String category = at.matching("category", NAME, "a lower-case name such as compute");
        String[] comparison = switch (when) {
            case "above" -> new String[] {">", "<="};
            case "below" -> new String[] {"<", ">="};
            case "equals" -> new String[] {"==", "!="};
            default -> {
                at.problem("when", "'" + when + "' is not a comparison: above, below or equals");
                yield null;
            }
        };
        String summary = summary(at, threshold, windowText);
        String critical = critical(at, comparison);
        if (problems.size() > before) {
            return null;
        }
        String unhealthy = comparison[0] + " " + threshold;
        String healthy = comparison[1] + " " + threshold;
        String plural = readings == 1 ? "reading" : "readings";
        return new String[] {type, metric, unhealthy, healthy, windowMillis, String.valueOf(readings), severity.name(), category, summary,
                type + ": " + readings + " " + plural + " of " + metric + " " + unhealthy + " within " + windowText,
                type + ": another reading of " + metric + " " + unhealthy,
                type + ": a healthy reading, " + metric + " " + healthy,
                critical, critical.isEmpty() ? "" : type + ": a reading of " + metric + " " + critical + " is critical"};
    }

    /**
     * The optional critical level: empty, or a comparison in the row's own direction past its
     * threshold ({@code < 7} for certificates that open below 30 days). An empty cell generates no
     * rule (the template expands only rows that have one).
     */
    private static String critical(Cells at, String[] comparison) {
        String text = at.has("critical") ? at.get("critical") : "";
        if (text.isEmpty() || comparison == null) {
            return "";
        }
        Matcher matcher = CRITICAL.matcher(text);
        if (!matcher.matches() || comparison[0].equals("==") || matcher.group(1).charAt(0) != comparison[0].charAt(0)) {
            at.problem("critical", "'" + text + "' is not a critical level: a comparison in the direction of 'when' such as "
                    + (comparison[0].equals("<") ? "< 7" : ">= 100") + " (none for 'equals')");
            return "";
        }
        try {
            return matcher.group(1) + " " + new BigDecimal(matcher.group(2)).stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            at.problem("critical", "'" + matcher.group(2) + "' is not a number");
            return "";
        }
    }

    /** A finite number, written as the rules will compare it (85, not 85.0). */
    private static String number(Cells at, String column) {
        try {
            BigDecimal value = new BigDecimal(at.get(column));
            if (value.abs().compareTo(BigDecimal.valueOf(Double.MAX_VALUE)) > 0) {
                at.problem(column, "'" + at.get(column) + "' is out of range");
                return null;
            }
            return value.stripTrailingZeros().toPlainString();
        } catch (NumberFormatException e) {
            at.problem(column, "'" + at.get(column) + "' is not a number");
            return null;
        }
    }

    private static Integer readings(Cells at) {
        try {
            int readings = Integer.parseInt(at.get("readings"));
            if (readings >= 1 && readings <= MAX_READINGS) {
                return readings;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        at.problem("readings", "'" + at.get("readings") + "' is not a count of readings from 1 to " + MAX_READINGS);
        return null;
    }

    /** The summary: {threshold} and {window} stand for the row's own values, so the text cannot contradict them. */
    private static String summary(Cells at, String threshold, String window) {
        String text = at.get("summary");
        if (text.isEmpty() || text.length() > 200 || text.chars().anyMatch(c -> c == '"' || c == '\\' || c == '@' || c == '$' || Character.isISOControl(c))) {
            at.problem("summary", "a summary is 1 to 200 characters without \" \\ @ $ or control characters");
            return null;
        }
        Matcher placeholder = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (placeholder.find()) {
            String value = switch (placeholder.group(1)) {
                case "threshold" -> threshold;
                case "window" -> window;
                default -> {
                    at.problem("summary", "unknown placeholder {" + placeholder.group(1) + "}: use {threshold} or {window}");
                    yield "";
                }
            };
            placeholder.appendReplacement(out, Matcher.quoteReplacement(value == null ? "" : value));
        }
        placeholder.appendTail(out);
        return out.toString();
    }

    /** The cells of one row, by column name, and where to report a bad one. */
    private record Cells(String file, int line, List<String> cells, Map<String, Integer> header, List<RuleProblem> problems) {
        boolean has(String column) {
            return header.containsKey(column);
        }

        String get(String column) {
            int index = header.get(column);
            return index < cells.size() ? cells.get(index) : "";
        }

        String matching(String column, Pattern pattern, String expected) {
            String value = get(column);
            if (!pattern.matcher(value).matches()) {
                problem(column, "'" + value + "' is not a " + column + ": " + expected);
            }
            return value;
        }

        void problem(String column, String message) {
            problems.add(new RuleProblem(file, line, header.get(column) + 1, column + " " + message));
        }
    }
}
