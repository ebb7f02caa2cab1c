package dev.fleetpress.webhook;

import dev.fleetpress.json.Json;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * GitLab: the kind comes from the body's {@code object_kind} ({@code push} or {@code tag_push}), or
 * from {@code x-gitlab-event} ({@code Push Hook} / {@code Tag Push Hook}) when the body lacks it; other
 * kinds are ignored. Delivery id from {@code x-gitlab-event-uuid}; the commit is {@code checkout_sha}
 * (for an annotated tag, {@code after} is the tag object, not the commit), and a deletion has
 * {@code checkout_sha} null and {@code after} all zeros. The repository is
 * {@code project.path_with_namespace}.
 */
public final class GitLabPushParser implements PushParser {
    @Override
    public Delivery parse(Map<String, String> headers, Json.Node body) {
        String deliveryId = Inputs.deliveryId("x-gitlab-event-uuid", headers.get("x-gitlab-event-uuid"));
        String kind = body.findText("object_kind").orElseGet(() -> kindFromHeader(headers));
        if (!kind.equals("push") && !kind.equals("tag_push")) {
            return new Delivery.Ignored(deliveryId, "GitLab event " + Inputs.printable(kind)
                    + " is not acted on: only push and tag_push start a release");
        }
        return new Delivery.Changes(deliveryId, List.of(change(body)));
    }

    private static String kindFromHeader(Map<String, String> headers) {
        String event = Inputs.header(headers, "x-gitlab-event");
        return switch (event) {
            case "Push Hook" -> "push";
            case "Tag Push Hook" -> "tag_push";
            default -> event;
        };
    }

    private static RefChange change(Json.Node body) {
        String repository = body.text("project", "path_with_namespace");
        String ref = Inputs.ref(body.text("ref"));
        String after = Inputs.commit("after", body.text("after"));
        Optional<String> checkoutSha = body.findText("checkout_sha");
        if (checkoutSha.isEmpty() || Inputs.isNullCommit(after)) {
            return new RefDeletion(repository, ref);
        }
        return new Push(repository, ref, Inputs.commit("checkout_sha", checkoutSha.get()));
    }
}
