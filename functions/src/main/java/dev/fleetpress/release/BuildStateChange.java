package dev.fleetpress.release;

import dev.fleetpress.json.Json;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads CodeBuild's {@code CodeBuild Build State Change} event, as EventBridge delivers it, into what
 * the release function should do with it. Everything the event says is checked before use: the
 * release id and environment against their patterns, the commit against the release id, and the
 * artifact location against the release bucket and the release's own prefix.
 */
final class BuildStateChange {
    static final String DETAIL_TYPE = "CodeBuild Build State Change";
    private static final Pattern S3_ARN = Pattern.compile("^arn:aws[a-z-]*:s3:::([^/]+)/(.+)$");

    private BuildStateChange() {
    }

    /** What to do with one event. */
    sealed interface Decision permits Finished, Ignored, Rejected {
    }

    /** A finished build of a release: hand it to the pipeline. */
    record Finished(BuildResult result) implements Decision {
    }

    /** A well-formed event that is not ours to act on (still running, another project). */
    record Ignored(String reason) implements Decision {
    }

    /** An event that is malformed or claims something it may not; acting on it could do harm. */
    record Rejected(String reason) implements Decision {
    }

    static Decision read(Json.Node event, String project, String bucket) {
        try {
            return decide(event, project, bucket);
        } catch (IllegalArgumentException e) {
            // JsonException (missing or mistyped field) and every id check end here.
            return new Rejected(e.getMessage());
        }
    }

    private static Decision decide(Json.Node event, String project, String bucket) {
        if (!event.isObject() || !"aws.codebuild".equals(event.findText("source").orElse(null))
                || !DETAIL_TYPE.equals(event.findText("detail-type").orElse(null))) {
            return new Rejected("not a " + DETAIL_TYPE + " event from aws.codebuild");
        }
        Json.Node detail = event.get("detail");
        String projectName = detail.text("project-name");
        if (!projectName.equals(project)) {
            return new Ignored("build of project " + projectName + ", not the release project " + project);
        }
        String status = detail.text("build-status");
        if (status.equals("IN_PROGRESS")) {
            return new Ignored("build still in progress");
        }
        BuildStatus finished;
        try {
            finished = BuildStatus.valueOf(status);
        } catch (IllegalArgumentException e) {
            return new Rejected("unknown build-status '" + status + "'");
        }
        String buildId = detail.text("build-id");
        Json.Node info = detail.get("additional-information");
        Map<String, String> vars = plaintextVariables(info);
        ReleaseId releaseId = ReleaseId.of(vars.get("RELEASE_ID"));

        Optional<String> location = info.findText("artifact", "location");
        if (location.isEmpty() && finished == BuildStatus.SUCCEEDED) {
            return new Rejected("a succeeded build without artifact.location: the project must upload to the release bucket");
        }
        if (location.isPresent()) {
            Matcher m = S3_ARN.matcher(location.get());
            if (!m.matches() || !m.group(1).equals(bucket) || !m.group(2).equals("releases/" + releaseId)) {
                return new Rejected("artifact location " + location.get() + " is not releases/" + releaseId
                        + " in the release bucket " + bucket);
            }
        }
        return new Finished(new BuildResult(releaseId, finished, buildId, vars.get("TARGET_ENV"),
                vars.get("SOURCE_COMMIT"), finished == BuildStatus.SUCCEEDED ? "" : reason(detail, info)));
    }

    /**
     * The PLAINTEXT build variables. Other types carry a parameter or secret name, not the value the
     * build saw, so they are no evidence of anything.
     */
    private static Map<String, String> plaintextVariables(Json.Node info) {
        Map<String, String> vars = new HashMap<>();
        for (Json.Node v : info.get("environment", "environment-variables").elements()) {
            if ("PLAINTEXT".equals(v.findText("type").orElse("PLAINTEXT"))) {
                vars.put(v.text("name"), v.text("value"));
            }
        }
        return vars;
    }

    /** What CodeBuild said about the phases that did not succeed, for the failure record. */
    private static String reason(Json.Node detail, Json.Node info) {
        List<String> parts = new ArrayList<>();
        for (Json.Node phase : info.find("phases").map(Json.Node::elements).orElse(List.of())) {
            String phaseStatus = phase.findText("phase-status").orElse("SUCCEEDED");
            if (phaseStatus.equals("SUCCEEDED")) {
                continue;
            }
            List<String> context = new ArrayList<>();
            for (Json.Node c : phase.find("phase-context").map(Json.Node::elements).orElse(List.of())) {
                String text = c.asText();
                if (!text.isBlank() && !text.equals(": ")) {
                    context.add(text);
                }
            }
            parts.add(phase.findText("phase-type").orElse("?") + " " + phaseStatus
                    + (context.isEmpty() ? "" : ": " + String.join("; ", context)));
        }
        if (parts.isEmpty()) {
            detail.findText("current-phase").ifPresent(p -> parts.add("ended in phase " + p));
        }
        return String.join(" | ", parts);
    }
}
