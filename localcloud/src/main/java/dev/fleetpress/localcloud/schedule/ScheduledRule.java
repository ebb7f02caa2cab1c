package dev.fleetpress.localcloud.schedule;

import java.util.Objects;

/**
 * One {@code Schedule} event of a function: the EventBridge rule SAM creates for it.
 *
 * @param ruleName   the rule's local physical name, {@code <stack>-<function logical id><event name>}
 *                   (SAM's generated name without its random suffix, so it is stable)
 * @param input      the constant input the function gets instead of the Scheduled Event, empty when none
 * @param enabled    false when the template disables the schedule: it never fires on its own
 */
public record ScheduledRule(String functionLogicalId, String eventName, String ruleName, String ruleArn,
                            ScheduleExpression expression, String input, boolean enabled) {
    public ScheduledRule {
        Objects.requireNonNull(functionLogicalId, "functionLogicalId");
        Objects.requireNonNull(eventName, "eventName");
        Objects.requireNonNull(ruleName, "ruleName");
        Objects.requireNonNull(ruleArn, "ruleArn");
        Objects.requireNonNull(expression, "expression");
        Objects.requireNonNull(input, "input");
    }
}
