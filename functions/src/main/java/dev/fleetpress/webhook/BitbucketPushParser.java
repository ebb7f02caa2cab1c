package dev.fleetpress.webhook;

import dev.fleetpress.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Bitbucket Cloud: {@code x-event-key} {@code repo:push} (others are ignored), delivery id from
 * {@code x-request-uuid}, repository from {@code repository.full_name}, and one ref change per entry of
 * {@code push.changes}: {@code new} is {@code {type: branch|tag, name, target.hash}}, and a change whose
 * {@code new} is null deleted the ref named by {@code old}.
 */
public final class BitbucketPushParser implements PushParser {
    @Override
    public Delivery parse(Map<String, String> headers, Json.Node body) {
        String deliveryId = Inputs.deliveryId("x-request-uuid", headers.get("x-request-uuid"));
        String event = Inputs.header(headers, "x-event-key");
        if (!event.equals("repo:push")) {
            return new Delivery.Ignored(deliveryId, "Bitbucket event " + Inputs.printable(event)
                    + " is not acted on: only repo:push starts a release");
        }
        String repository = body.text("repository", "full_name");
        List<RefChange> changes = new ArrayList<>();
        for (Json.Node change : body.get("push", "changes").elements()) {
            changes.add(change.find("new")
                    .<RefChange>map(state -> new Push(repository, ref(state), state.text("target", "hash")))
                    .orElseGet(() -> new RefDeletion(repository, ref(change.get("old")))));
        }
        if (changes.isEmpty()) {
            return new Delivery.Ignored(deliveryId, "push has no changes");
        }
        return new Delivery.Changes(deliveryId, changes);
    }

    private static String ref(Json.Node state) {
        String type = state.text("type");
        String prefix = switch (type) {
            case "branch" -> "refs/heads/";
            case "tag" -> "refs/tags/";
            default -> throw new InvalidDeliveryException(state.path() + ".type " + Inputs.printable(type)
                    + " is not branch or tag");
        };
        return Inputs.ref(prefix + state.text("name"));
    }
}
