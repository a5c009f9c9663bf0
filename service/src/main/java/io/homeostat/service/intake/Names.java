package io.homeostat.service.intake;

/**
 * Character checks for resource ids, metric names and tenants. Hand-written loops rather than
 * regular expressions: they run for every signal on the intake path.
 */
final class Names {
    private Names() {
    }

    /** {@code kind:name}: a lower-case kind of 1-64 of [a-z0-9_.-] starting with a letter, a colon, a non-blank name. */
    static boolean isResource(String resource) {
        int colon = resource.indexOf(':');
        if (colon < 1 || colon > 64 || colon == resource.length() - 1 || resource.length() > 512) {
            return false;
        }
        if (resource.charAt(0) < 'a' || resource.charAt(0) > 'z') {
            return false;
        }
        for (int i = 1; i < colon; i++) {
            char c = resource.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-')) {
                return false;
            }
        }
        return !Character.isWhitespace(resource.charAt(colon + 1));
    }

    /** 1-128 of [A-Za-z0-9_.:-], not starting with a digit, dot, colon or dash. */
    static boolean isMetric(String metric) {
        if (metric.isEmpty() || metric.length() > 128) {
            return false;
        }
        char first = metric.charAt(0);
        if (!(first >= 'a' && first <= 'z' || first >= 'A' && first <= 'Z' || first == '_')) {
            return false;
        }
        for (int i = 1; i < metric.length(); i++) {
            char c = metric.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    /** 1-64 of [a-z0-9_-], starting with a letter or digit. */
    static boolean isTenant(String tenant) {
        if (tenant.isEmpty() || tenant.length() > 64) {
            return false;
        }
        for (int i = 0; i < tenant.length(); i++) {
            char c = tenant.charAt(i);
            boolean alphanumeric = c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!(alphanumeric || i > 0 && (c == '_' || c == '-'))) {
                return false;
            }
        }
        return true;
    }
}
