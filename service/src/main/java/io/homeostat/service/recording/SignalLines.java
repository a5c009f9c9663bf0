package io.homeostat.service.recording;

import io.homeostat.service.engine.facts.Signal;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One recorded signal per line, tab-separated: the engine's clock when it was evaluated, the
 * signal's own time, tenant, resource, metric, value, source, unit and labels ({@code k=v;k=v}).
 * Tabs, newlines, backslashes, {@code ;} and {@code =} inside fields are escaped.
 */
public final class SignalLines {
    private SignalLines() {
    }

    public static void write(StringBuilder out, long evaluatedAt, Signal signal) {
        out.append(evaluatedAt).append('\t').append(signal.getTime()).append('\t');
        escape(out, signal.getTenant());
        out.append('\t');
        escape(out, signal.getResource());
        out.append('\t');
        escape(out, signal.getMetric());
        out.append('\t').append(signal.getValue()).append('\t');
        escape(out, signal.getSource() == null ? "" : signal.getSource());
        out.append('\t');
        escape(out, signal.getUnit() == null ? "" : signal.getUnit());
        out.append('\t');
        boolean first = true;
        for (Map.Entry<String, String> label : signal.getLabels().entrySet()) {
            if (!first) {
                out.append(';');
            }
            first = false;
            escape(out, label.getKey());
            out.append('=');
            escape(out, label.getValue());
        }
        out.append('\n');
    }

    /** A recorded line: when the engine evaluated it, and the signal. */
    public record Recorded(long evaluatedAt, Signal signal) {
    }

    static Recorded read(String line) {
        String[] fields = line.split("\t", -1);
        if (fields.length != 9) {
            throw new IllegalArgumentException("expected 9 tab-separated fields, found " + fields.length);
        }
        Map<String, String> labels = new LinkedHashMap<>();
        if (!fields[8].isEmpty()) {
            for (String pair : fields[8].split(";", -1)) {
                int equals = pair.indexOf('=');
                labels.put(unescape(pair.substring(0, equals)), unescape(pair.substring(equals + 1)));
            }
        }
        String source = unescape(fields[6]);
        String unit = unescape(fields[7]);
        return new Recorded(Long.parseLong(fields[0]), new Signal(unescape(fields[2]), unescape(fields[3]), unescape(fields[4]),
                Double.parseDouble(fields[5]), Long.parseLong(fields[1]), unit.isEmpty() ? null : unit, source.isEmpty() ? null : source,
                labels, 0));
    }

    private static void escape(StringBuilder out, String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\t' -> out.append("\\t");
                case '\n' -> out.append("\\n");
                case '\\' -> out.append("\\\\");
                case ';' -> out.append("\\s");
                case '=' -> out.append("\\e");
                default -> out.append(c);
            }
        }
    }

    private static String unescape(String text) {
        if (text.indexOf('\\') < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\\' && i + 1 < text.length()) {
                char next = text.charAt(++i);
                out.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 's' -> ';';
                    case 'e' -> '=';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
