package dev.fleetpress.fleet;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.Objects;

/**
 * The ledger record of one lifecycle action ({@code fleet/actions/<instance-id>/<phase>.json}).
 * Immutable; each {@code with…} gives the next state, written by compare-and-swap.
 *
 * @param actionId  the token, or {@code reconcile-<epoch ms>} when reconciliation created the record;
 *                  fixed for the record's life, so messages and command index entries can tell a
 *                  current action from an older one of the same phase
 * @param release   the release being installed (empty for terminations and before it was resolved)
 * @param commandId the last command sent (empty before)
 * @param attempt   how many times a command was attempted
 * @param result    CONTINUE or ABANDON once completed, else empty (also empty when the action expired)
 * @param outcome   the {@link InstanceState} name once completed, else empty
 * @param confirmed true once Auto Scaling has taken the completion (or said the action is gone)
 */
public record ActionRecord(String actionId, String instanceId, String group, String hook, Phase phase, String token,
                           String environment, String release, ActionState state, String commandId, int attempt,
                           Instant deadline, String result, String outcome, String reason, boolean confirmed,
                           Instant createdAt, Instant updatedAt) {
    public ActionRecord {
        Objects.requireNonNull(actionId, "actionId");
        Objects.requireNonNull(phase, "phase");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(deadline, "deadline");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    static ActionRecord start(LifecycleAction action, Instant now, Instant deadline) {
        String actionId = action.token().isEmpty() ? "reconcile-" + now.toEpochMilli() : action.token();
        return new ActionRecord(actionId, action.instanceId(), action.group(), action.hook(), action.phase(),
                action.token(), action.environment(), "", ActionState.WAITING_FOR_AGENT, "", 0, deadline, "", "",
                "", false, now, now);
    }

    /** The action as Auto Scaling calls address it. */
    LifecycleAction action() {
        return new LifecycleAction(instanceId, group, hook, phase, token, environment);
    }

    String key() {
        return FleetRecords.actionKey(instanceId, phase);
    }

    boolean isLaunch() {
        return phase.installsRelease();
    }

    ActionRecord withToken(String newToken, Instant now) {
        return new ActionRecord(actionId, instanceId, group, hook, phase, newToken, environment, release, state,
                commandId, attempt, deadline, result, outcome, reason, confirmed, createdAt, now);
    }

    ActionRecord waiting(String newRelease, int newAttempt, String why, Instant now) {
        return new ActionRecord(actionId, instanceId, group, hook, phase, token, environment, newRelease,
                ActionState.WAITING_FOR_AGENT, commandId, newAttempt, deadline, "", "", why, false, createdAt, now);
    }

    ActionRecord sent(String newRelease, String newCommandId, int newAttempt, Instant now) {
        return new ActionRecord(actionId, instanceId, group, hook, phase, token, environment, newRelease,
                ActionState.COMMAND_SENT, newCommandId, newAttempt, deadline, "", "", "", false, createdAt, now);
    }

    ActionRecord completed(String newRelease, String newCommandId, LifecycleResult newResult, InstanceState newOutcome,
                           String why, Instant now) {
        return new ActionRecord(actionId, instanceId, group, hook, phase, token, environment, newRelease,
                ActionState.COMPLETED, newCommandId, attempt, deadline, newResult == null ? "" : newResult.name(),
                newOutcome.name(), why, false, createdAt, now);
    }

    ActionRecord confirmed(Instant now) {
        return new ActionRecord(actionId, instanceId, group, hook, phase, token, environment, release, state,
                commandId, attempt, deadline, result, outcome, reason, true, createdAt, now);
    }

    String toJson() {
        // The token stays out of logs but must be stored: it is how Auto Scaling knows the action.
        return Json.write(Json.object("actionId", actionId, "instanceId", instanceId, "group", group, "hook", hook,
                "phase", phase.slug(), "transition", phase.transition().awsName(), "token", token,
                "environment", environment, "release", release, "state", state.name(), "commandId", commandId,
                "attempt", attempt, "deadline", deadline.toString(), "result", result, "outcome", outcome,
                "reason", reason, "confirmed", confirmed, "createdAt", createdAt.toString(),
                "updatedAt", updatedAt.toString()));
    }

    static ActionRecord fromJson(String json) {
        Json.Node n = Json.parse(json);
        return new ActionRecord(n.text("actionId"), n.text("instanceId"), n.text("group"), n.text("hook"),
                Phase.ofSlug(n.text("phase")), n.text("token"), n.text("environment"), n.text("release"),
                ActionState.valueOf(n.text("state")), n.text("commandId"), (int) n.get("attempt").asLong(),
                Instant.parse(n.text("deadline")), n.text("result"), n.text("outcome"), n.text("reason"),
                n.get("confirmed").asBoolean(), Instant.parse(n.text("createdAt")), Instant.parse(n.text("updatedAt")));
    }
}
