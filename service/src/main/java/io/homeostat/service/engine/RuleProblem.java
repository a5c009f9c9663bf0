package io.homeostat.service.engine;

/**
 * One problem found while compiling rules.
 *
 * @param file the rule file, relative to the rules directory
 * @param line 1-based line, or 0 when the compiler did not say
 * @param column column, or 0 when unknown
 * @param message the compiler's message
 */
public record RuleProblem(String file, int line, int column, String message) {
    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line + (column > 0 ? ":" + column : "") : "") + ": " + message;
    }
}
