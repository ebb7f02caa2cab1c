package dev.fleetpress.webhook;

import dev.fleetpress.json.Json;
import java.util.List;
import java.util.Map;

/**
 * GitHub: {@code x-github-event} {@code ping} or {@code push} (others are ignored), delivery id from
 * {@code x-github-delivery}, and from the push body {@code ref}, {@code after} and
 * {@code repository.full_name}. A deletion has {@code deleted: true} and {@code after} all zeros.
 */
public final class GitHubPushParser implements PushParser {
    @Override
    public Delivery parse(Map<String, String> headers, Json.Node body) {
        String deliveryId = Inputs.deliveryId("x-github-delivery", headers.get("x-github-delivery"));
        String event = Inputs.header(headers, "x-github-event");
        switch (event) {
            case "ping":
                return new Delivery.Ping(deliveryId);
            case "push":
                return new Delivery.Changes(deliveryId, List.of(change(body)));
            default:
                return new Delivery.Ignored(deliveryId, "GitHub event " + Inputs.printable(event)
                        + " is not acted on: only push starts a release");
        }
    }

    private static RefChange change(Json.Node body) {
        String repository = body.text("repository", "full_name");
        String ref = Inputs.ref(body.text("ref"));
        String after = Inputs.commit("after", body.text("after"));
        boolean deleted = body.find("deleted").map(Json.Node::asBoolean).orElse(false);
        if (deleted || Inputs.isNullCommit(after)) {
            return new RefDeletion(repository, ref);
        }
        return new Push(repository, ref, after);
    }
}
