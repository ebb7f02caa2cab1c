package dev.fleetpress.localcloud.codebuild;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import software.amazon.awssdk.services.codebuild.model.BuildPhaseType;

/**
 * EventBridge's {@code CodeBuild Build State Change} events, in the shape AWS sends them
 * (kebab-case fields, {@code build-start-time} and phase times in CodeBuild's
 * {@code "Sep 1, 2017 4:12:29 PM"} format, UTC).
 */
final class BuildEvents {
    private static final DateTimeFormatter CODEBUILD_TIME = DateTimeFormatter.ofPattern("MMM d, yyyy h:mm:ss", Locale.US);

    private BuildEvents() {
    }

    static String stateChange(BuildSnapshot build, Instant now) {
        Map<String, Object> info = Json.object();
        if (build.artifactLocation() != null) {
            info.put("artifact", Json.object("location", build.artifactLocation()));
        }
        info.put("environment", Json.object(
                "image", BuildSnapshot.IMAGE,
                "privileged-mode", false,
                "compute-type", "BUILD_GENERAL1_SMALL",
                "type", "LINUX_CONTAINER",
                "environment-variables", build.overrides().stream().map(v -> Json.object(
                        "name", v.name(), "type", "PLAINTEXT", "value", v.value())).toList()));
        info.put("cache", Json.object("type", "NO_CACHE"));
        info.put("timeout-in-minutes", build.timeoutMinutes());
        info.put("build-complete", build.complete());
        if (build.complete()) {
            info.put("build-number", build.buildNumber());
        }
        info.put("initiator", BuildSnapshot.INITIATOR);
        info.put("build-start-time", codeBuildTime(build.startTime()));
        info.put("source", Json.object("location", build.project().sourceRepository().toString(),
                "type", BuildSnapshot.SOURCE_TYPE.toString()));
        info.put("source-version", build.sourceVersion());
        info.put("logs", Json.object("group-name", build.logGroup(), "stream-name", build.uuid(),
                "deep-link", build.logLink()));
        if (build.complete()) {
            info.put("phases", phases(build.phases()));
        }
        info.put("queued-timeout-in-minutes", 480);

        String currentPhase = build.complete() ? BuildPhaseType.COMPLETED.toString() : BuildPhaseType.SUBMITTED.toString();
        Map<String, Object> detail = Json.object(
                "build-status", build.status().toString(),
                "project-name", build.project().name(),
                "build-id", build.arn(),
                "additional-information", info,
                "current-phase", currentPhase,
                "current-phase-context", build.complete() ? contexts(lastFinished(build.phases())).toString() : "[]",
                "version", "1");
        return Json.write(Json.object(
                "version", "0",
                "id", UUID.randomUUID().toString(),
                "detail-type", "CodeBuild Build State Change",
                "source", "aws.codebuild",
                "account", BuildSnapshot.ACCOUNT,
                "time", now.truncatedTo(ChronoUnit.SECONDS).toString(),
                "region", BuildSnapshot.REGION,
                "resources", List.of(build.arn()),
                "detail", detail));
    }

    private static List<Object> phases(List<PhaseResult> phases) {
        List<Object> out = new ArrayList<>();
        for (PhaseResult p : phases) {
            if (p.end() == null) {
                out.add(Json.object("start-time", codeBuildTime(p.start()), "phase-type", p.type().toString()));
            } else {
                out.add(Json.object(
                        "phase-context", contexts(p),
                        "start-time", codeBuildTime(p.start()),
                        "end-time", codeBuildTime(p.end()),
                        "duration-in-seconds", p.durationSeconds(),
                        "phase-type", p.type().toString(),
                        "phase-status", p.status().toString()));
            }
        }
        return out;
    }

    /** As AWS reports them: no context for a phase that succeeded, else "CODE: message". */
    private static List<String> contexts(PhaseResult p) {
        return p.contextCode().isEmpty() && p.contextMessage().isEmpty() ? List.of() : List.of(p.context());
    }

    private static PhaseResult lastFinished(List<PhaseResult> phases) {
        for (int i = phases.size() - 1; i >= 0; i--) {
            if (phases.get(i).end() != null) {
                return phases.get(i);
            }
        }
        throw new IllegalStateException("a completed build has no finished phase");
    }

    /** CodeBuild's own format; AM/PM written out because newer JDKs put a narrow space before it. */
    static String codeBuildTime(Instant instant) {
        ZonedDateTime t = instant.atZone(ZoneOffset.UTC);
        return CODEBUILD_TIME.format(t) + (t.getHour() < 12 ? " AM" : " PM");
    }
}
