package io.homeostat.service.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Keeps secrets out of the audit chain: a value under a name like a token, secret, password,
 * credential, authorization or key is replaced, and so is any value that looks like a bearer
 * token, one of our API keys or an unresolved {@code ${env:...}} reference, whatever its name.
 */
final class AuditMasking {
    static final String MASK = "***";
    private static final Pattern SECRET_NAME = Pattern.compile(
            "(?i).*(token|secret|passw|pwd|credential|authorization|api[-_]?key|private[-_]?key|access[-_]?key|^key$).*");
    private static final Pattern SECRET_VALUE = Pattern.compile("(?i)^(bearer\\s|basic\\s|hst_).*|.*\\$\\{env:[^}]*}.*",
            Pattern.DOTALL);

    private AuditMasking() {
    }

    static Map<String, Object> mask(Map<String, ?> detail) {
        Map<String, Object> masked = new LinkedHashMap<>();
        detail.forEach((name, value) -> masked.put(name, SECRET_NAME.matcher(name).matches() && value != null ? MASK : maskValue(value)));
        return masked;
    }

    private static Object maskValue(Object value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> nested = new LinkedHashMap<>();
            map.forEach((name, inner) -> nested.put(String.valueOf(name), inner));
            return mask(nested);
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(item -> out.add(maskValue(item)));
            return out;
        }
        if (value instanceof CharSequence text && SECRET_VALUE.matcher(text).matches()) {
            return MASK;
        }
        return value;
    }

    /** A free-text field (a reason, a message): masked whole when it looks like it carries a secret. */
    static String maskText(String text) {
        return text == null || !SECRET_VALUE.matcher(text).matches() ? text : MASK;
    }
}
