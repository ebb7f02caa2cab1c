package dev.fleetpress.localcloud.template;

import java.util.List;

/**
 * One resolved statement of a function's inline policies, for least-privilege checks.
 *
 * @param sid           empty when the statement has none
 * @param conditionJson the resolved {@code Condition} block as JSON, empty when none
 */
public record PolicyStatement(String sid, String effect, List<String> actions, List<String> resources, String conditionJson) {
    public PolicyStatement {
        actions = List.copyOf(actions);
        resources = List.copyOf(resources);
    }
}
