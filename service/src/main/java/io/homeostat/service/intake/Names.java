package io.homeostat.service.intake;

/**
 * Character checks for resource ids, metric names and tenants. Hand-written loops rather than
 * regular expressions: they run for every signal on the intake path.
 */
public final class Names {
    private Names() {
    }

    /** {@code kind:name}: a lower-case kind of 1-64 of [a-z0-9_.-] starting with a letter, a colon, a non-blank name. */
    public static boolean isResource(String resource) {
        int colon = resource.indexOf(':');
        if (colon < 1 || colon > 64 || colon == resource.length() - 1 || resource.length() > 512) {
            return false;
        }
        if (!isLower(resource.charAt(0))) {
            return false;
        }
        for (int i = 1; i < colon; i++) {
            char c = resource.charAt(i);
            if (!(isLower(c) || isDigit(c) || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return !Character.isWhitespace(resource.charAt(colon + 1));
    }

    /** 1-128 of [A-Za-z0-9_.:-], starting with a letter or '_'. */
    public static boolean isMetric(String metric) {
        if (metric.isEmpty() || metric.length() > 128) {
            return false;
        }
        char first = metric.charAt(0);
        if (!(isLetter(first) || first == '_')) {
            return false;
        }
        for (int i = 1; i < metric.length(); i++) {
            char c = metric.charAt(i);
            if (!(isLetter(c) || isDigit(c) || c == '_' || c == '.' || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** 1-64 of [a-z0-9_-], starting with a letter or digit. */
    public static boolean isTenant(String tenant) {
        if (tenant.isEmpty() || tenant.length() > 64) {
            return false;
        }
        for (int i = 0; i < tenant.length(); i++) {
            char c = tenant.charAt(i);
            boolean separator = c == '_' || c == '-';
            if (!(isLower(c) || isDigit(c) || (i > 0 && separator))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLower(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean isLetter(char c) {
        return isLower(c) || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }
}
