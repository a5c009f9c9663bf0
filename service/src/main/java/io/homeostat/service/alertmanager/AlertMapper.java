package io.homeostat.service.alertmanager;

import io.homeostat.service.intake.Names;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Turns an alert's labels into what the engine needs: the first mapping whose matchers all match
 * gives the resource, issue type, severity and hold-off; an alert no mapping matches gets a
 * resource from the first of {@code unmappedResources} it has the labels for, and enters only as
 * its {@code alert.<alertname>} signal.
 */
public final class AlertMapper {
    /** The severity of a mapped alert with no (known) severity label. */
    static final String DEFAULT_SEVERITY = "medium";

    private final List<AlertMapping> mappings;
    private final List<LabelTemplate> unmappedResources;

    public AlertMapper(List<AlertMapping> mappings, List<LabelTemplate> unmappedResources) {
        this.mappings = List.copyOf(mappings);
        this.unmappedResources = List.copyOf(unmappedResources);
    }

    /** What one alert maps to: mapped or not, or a problem that keeps it out (and says why). */
    public sealed interface Result {
    }

    /** Evidence of {@code issueType} on {@code resource}; {@code knownSeverity} false when the label's word was not known. */
    public record Mapped(String resource, String issueType, String severity, Duration holdOff, boolean knownSeverity) implements Result {
    }

    /** No mapping matched: an {@code alert.<alertname>} signal for {@code resource}. */
    public record Unmapped(String resource) implements Result {
    }

    /** The alert cannot be used; {@code message} says why. */
    public record Problem(String message) implements Result {
    }

    public Result map(Map<String, String> labels) {
        for (int i = 0; i < mappings.size(); i++) {
            AlertMapping mapping = mappings.get(i);
            if (!mapping.matches(labels)) {
                continue;
            }
            LabelTemplate.Filled resource = mapping.resource().fill(labels);
            if (resource.text().isEmpty()) {
                return new Problem("label '" + resource.missingLabel() + "' is missing, and alertmanager.mappings[" + i + "] ("
                        + mapping.issueType() + ") makes the resource id from it: " + mapping.resource());
            }
            String id = resource.text().get();
            if (!Names.isResource(id)) {
                return new Problem("alertmanager.mappings[" + i + "] made the resource id '" + abbreviate(id) + "', which is not kind:name "
                        + "(a lower-case kind, a colon, a name; at most 512 characters)");
            }
            String severity = mapping.severity();
            boolean known = true;
            if (severity == null) {
                severity = Severities.ofLabel(labels.get("severity"));
                known = severity != null || !labels.containsKey("severity");
                severity = severity == null ? DEFAULT_SEVERITY : severity;
            }
            return new Mapped(id, mapping.issueType(), severity, mapping.holdOff(), known);
        }
        for (LabelTemplate template : unmappedResources) {
            LabelTemplate.Filled resource = template.fill(labels);
            if (resource.text().isPresent() && Names.isResource(resource.text().get())) {
                return new Unmapped(resource.text().get());
            }
        }
        return new Problem("no mapping matched, and none of alertmanager.unmappedResources " + unmappedResources
                + " makes a resource id (kind:name) from its labels");
    }

    static String abbreviate(String text) {
        return text.length() <= 80 ? text : text.substring(0, 77) + "...";
    }
}
