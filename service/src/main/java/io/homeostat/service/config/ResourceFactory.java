package io.homeostat.service.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.homeostat.service.engine.facts.Dependency;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * One entry of {@code resources:}: what a resource depends on, so that when it and a dependency both
 * have issues, only the dependency's is remediated (docs/RULES.md, "Root cause by dependency").
 *
 * <pre>
 * resources:
 *   - name: service:checkout
 *     dependsOn: [db:orders, service:payments]
 * </pre>
 */
public class ResourceFactory {
    @NotEmpty
    @Size(max = 512)
    @JsonProperty
    private String name;

    @NotEmpty
    @Size(max = 128)
    @JsonProperty
    private String tenant = "default";

    @NotNull
    @Size(max = 32)
    @JsonProperty
    private List<@NotEmpty @Size(max = 512) String> dependsOn = List.of();

    public List<Dependency> dependencies() {
        return dependsOn.stream().filter(on -> !on.equals(name)).map(on -> new Dependency(tenant, name, on, "config")).toList();
    }
}
