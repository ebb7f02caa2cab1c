package dev.fleetpress.fleet;

import dev.fleetpress.release.Environments;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Auto Scaling groups FleetPress manages and the environment each serves, from FLEET_GROUPS
 * ({@code production=fleetpress-production,staging=fleetpress-staging}). One group serves one
 * environment and one environment has one group.
 */
public final class FleetGroups {
    private final Map<String, String> environmentByGroup;

    private FleetGroups(Map<String, String> environmentByGroup) {
        this.environmentByGroup = Collections.unmodifiableMap(environmentByGroup);
    }

    /** Parses {@code env=group,...}; throws {@link IllegalArgumentException} saying what is wrong. */
    public static FleetGroups parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("FLEET_GROUPS is empty: set it to environment=group pairs, "
                    + "for example production=fleetpress-production,staging=fleetpress-staging");
        }
        Map<String, String> byGroup = new LinkedHashMap<>();
        for (String pair : spec.split(",")) {
            String[] parts = pair.trim().split("=", -1);
            if (parts.length != 2) {
                throw new IllegalArgumentException("FLEET_GROUPS entry '" + pair.trim() + "' is not environment=group");
            }
            String environment = Environments.requireValid(parts[0].trim());
            String group = FleetIds.name(parts[1].trim(), "FLEET_GROUPS group");
            if (byGroup.containsValue(environment) || byGroup.containsKey(group)) {
                throw new IllegalArgumentException("FLEET_GROUPS names environment " + environment + " or group "
                        + group + " twice: one group serves one environment");
            }
            byGroup.put(group, environment);
        }
        return new FleetGroups(byGroup);
    }

    /** The environment {@code group} serves; empty when FleetPress does not manage the group. */
    public Optional<String> environmentOf(String group) {
        return Optional.ofNullable(environmentByGroup.get(group));
    }

    public Set<String> groups() {
        return environmentByGroup.keySet();
    }

    /** The group that serves {@code environment}; empty when no group does. */
    public Optional<String> groupOf(String environment) {
        return environmentByGroup.entrySet().stream().filter(e -> e.getValue().equals(environment))
                .map(Map.Entry::getKey).findFirst();
    }

    /** The environments, in FLEET_GROUPS order. */
    public List<String> environments() {
        return List.copyOf(environmentByGroup.values());
    }
}
