package dev.fleetpress.release;

import dev.fleetpress.Settings;
import dev.fleetpress.aws.CodeBuildReleaseBuilds;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.aws.S3ReleaseStore;
import dev.fleetpress.aws.SsmEnvironmentPointers;
import dev.fleetpress.log.Log;
import dev.fleetpress.release.ReleaseRecords.Versioned;
import dev.fleetpress.upgrade.DatabaseGuard;
import dev.fleetpress.upgrade.UpgradeRecords;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Build once, promote many: turns pushes into at most one build per commit, finished builds into
 * verified releases, and both into forward-only moves of environment pointers.
 *
 * <p>Every step is idempotent and tolerates events that arrive twice, late or out of order:
 * <ul>
 *   <li>{@link #request}: a commit with a recorded release is promoted at once. Otherwise the push is
 *   recorded as an intent (newest push per environment), and the first push creates the release's
 *   build attempt ({@code build.json}, create-if-absent) and starts the build; the others answer
 *   BUILD_PENDING. An attempt that failed (including a StartBuild that threw), whose StartBuild never
 *   answered (5 minutes) or whose build went quiet (9 hours) is superseded by the next push with
 *   attempt n+1 (compare-and-swap on {@code build.json}), which gets a fresh idempotency token.</li>
 *   <li>{@link #onBuildFinished}: a successful build's manifest must belong to the release and its
 *   artifact must match the manifest's SHA-256 and size (streamed, never buffered); then the release
 *   is recorded (create-if-absent) and promoted to every environment with an intent. Anything else
 *   records a failure with its reason and leaves every environment as it was.</li>
 *   <li>{@link #acceptCaptured}: a release captured from a running site (uploaded under
 *   {@code captures/<capture-id>/}, where instances may write) is verified the same way, copied into
 *   {@code releases/<id>/} without overwriting anything, and recorded, without promotion (its caller
 *   promotes).</li>
 *   <li>Promotion moves the environment's head by compare-and-swap, and only to an intent received
 *   later than the one the head follows; the pointer then follows the head.</li>
 * </ul>
 * Failures of the stores behind the ports propagate, so that the trigger retries.
 */
public final class ReleasePipeline implements ReleaseRequests {
    /** How long the invocation that moved an environment's head has to write its pointer before others repair it. */
    static final Duration WRITER_GRACE = Duration.ofSeconds(60);

    private static final int MAX_REASON = 1000;
    private static final String RELEASE_DIFFERS = ": a release is never overwritten. The same release id with "
            + "other content means a built release has that id, the webroot was packed differently (another tar or "
            + "gzip on that instance) or the capture was tampered with; compare both before removing anything from "
            + "releases/";

    private final ReleaseStore store;
    private final ReleaseRecords records;
    private final ReleaseBuilds builds;
    private final EnvironmentPointers pointers;
    private final PromotionGuard guard;
    private final Clock clock;

    private ReleasePipeline(ReleaseStore store, ReleaseBuilds builds, EnvironmentPointers pointers, PromotionGuard guard,
                            Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.records = new ReleaseRecords(store.records());
        this.builds = Objects.requireNonNull(builds, "builds");
        this.pointers = Objects.requireNonNull(pointers, "pointers");
        this.guard = Objects.requireNonNull(guard, "guard");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public static ReleasePipeline of(ReleaseStore store, ReleaseBuilds builds, EnvironmentPointers pointers, Clock clock) {
        return new ReleasePipeline(store, builds, pointers, PromotionGuard.NONE, clock);
    }

    public static ReleasePipeline of(ReleaseStore store, ReleaseBuilds builds, EnvironmentPointers pointers,
                                     PromotionGuard guard, Clock clock) {
        return new ReleasePipeline(store, builds, pointers, guard, clock);
    }

    /**
     * The pipeline over AWS, configured by the function's environment: RELEASE_BUCKET,
     * PARAMETER_PREFIX and BUILD_PROJECT. The one place where the release ports meet their adapters.
     */
    public static ReleasePipeline create(DependencyFactory deps, Settings settings) {
        String bucket = settings.required("RELEASE_BUCKET");
        return of(S3ReleaseStore.create(deps.s3(), bucket),
                // Lazily: the release function never starts builds and should not pay for the client.
                CodeBuildReleaseBuilds.create(deps::codeBuild, settings.required("BUILD_PROJECT")),
                SsmEnvironmentPointers.create(deps.ssm(), settings.required("PARAMETER_PREFIX")),
                DatabaseGuard.create(S3Ledger.create(deps.s3(), bucket, UpgradeRecords.PREFIX)),
                Clock.systemUTC());
    }

    @Override
    public RequestOutcome request(BuildRequest request) {
        ReleaseId id = request.releaseId();
        Environments.requireValid(request.environment());
        if (!ReleaseId.forCommit(request.commit()).equals(id)) {
            throw new IllegalArgumentException("commit " + request.commit() + " does not belong to release " + id);
        }
        PromotionIntent intent = new PromotionIntent(request.environment(), request.receivedAt(),
                "push " + request.deliveryId());
        Optional<ReleaseRecord> release = records.release(id);
        if (release.isEmpty()) {
            records.addIntent(id, intent);
            // The build side records the release, then reads intents; this side writes the intent,
            // then reads the release: whichever runs second sees the other, so no intent is lost.
            release = records.release(id);
        }
        if (release.isPresent()) {
            PromotionResult promotion = promote(id, intent, false);
            RequestOutcome.Kind kind = promotion.kind() == PromotionResult.Kind.PROMOTED
                    ? RequestOutcome.Kind.PROMOTED : RequestOutcome.Kind.NO_CHANGE;
            return new RequestOutcome(kind, release.get().buildId(), promotion.message());
        }
        return requestBuild(request);
    }

    /** Handles a finished release build; see the class comment. Duplicate calls are harmless. */
    public BuildOutcome onBuildFinished(BuildResult result) {
        ReleaseId id = result.releaseId();
        if (result.status() != BuildStatus.SUCCEEDED) {
            return fail(result, result.status().name(), result.reason().isBlank()
                    ? "the build ended " + result.status() + " without a reason; see its CodeBuild log" : result.reason());
        }
        if (records.release(id).isPresent()) {
            return new BuildOutcome(id, BuildOutcome.Kind.ALREADY_RECORDED, "release " + id + " was already recorded",
                    promoteIntents(id));
        }
        Manifest manifest;
        try {
            Optional<Manifest> found = records.manifest(id);
            if (found.isEmpty()) {
                return fail(result, "MISSING_MANIFEST", "releases/" + id + "/manifest.json does not exist: the build "
                        + "must upload it beside the tarball (buildspec.yml artifacts)");
            }
            manifest = found.get();
        } catch (Manifest.ManifestException e) {
            return fail(result, "INVALID_MANIFEST", "releases/" + id + "/manifest.json is invalid: " + e.getMessage());
        }
        String foreign = mismatch(manifest, result);
        if (foreign != null) {
            return fail(result, "FOREIGN_MANIFEST", foreign);
        }
        Manifest.Artifact expected = manifest.artifact();
        Optional<ReleaseStore.ArtifactDigest> actual = store.digest(id, expected.key());
        if (actual.isEmpty()) {
            return fail(result, "MISSING_ARTIFACT", "releases/" + id + "/" + expected.key()
                    + " does not exist although the manifest names it");
        }
        if (!actual.get().sha256().equals(expected.sha256()) || actual.get().bytes() != expected.bytes()) {
            return fail(result, "CHECKSUM_MISMATCH", "releases/" + id + "/" + expected.key() + " has sha256 "
                    + actual.get().sha256() + " and " + actual.get().bytes() + " bytes, the manifest says "
                    + expected.sha256() + " and " + expected.bytes() + " bytes: rebuild by pushing again");
        }
        boolean recorded = records.createRelease(new ReleaseRecord(manifest, result.buildId(), clock.instant()));
        updateAttemptOf(id, result.buildId(), a -> a.succeeded(result.buildId(), clock.instant()));
        return new BuildOutcome(id, recorded ? BuildOutcome.Kind.RECORDED : BuildOutcome.Kind.ALREADY_RECORDED,
                "release " + id + " verified (" + expected.bytes() + " bytes, sha256 " + expected.sha256() + ")",
                promoteIntents(id));
    }

    /**
     * Records a release captured from a running site. instance/capture-release.sh uploads it under
     * {@code captures/<captureId>/} ({@code release.tar.gz}, then {@code manifest.json}), because fleet
     * instances may not write releases; this verifies it as a built release is verified (the manifest
     * exists, is valid, is for {@code id}, of kind {@code captured} and names {@code release.tar.gz},
     * which exists with its SHA-256 and size, streamed), then copies both into {@code releases/<id>/}
     * inside the bucket (the tarball first, the manifest last, each only if absent: an existing release
     * object is never overwritten) and records the release. Promotes nothing: the caller promotes it.
     *
     * <p>When {@code releases/<id>/} already holds a release (an earlier capture of the same webroot, a
     * concurrent call), it must be this one: a captured release with the same tarball (SHA-256 and
     * size); then the answer is RECORDED or ALREADY_RECORDED as usual, otherwise FAILED
     * (CONFLICTING_RELEASE) and nothing is recorded. A capture that uploaded nothing under
     * {@code captures/<captureId>/} because {@code releases/<id>/} already held its release
     * ({@code "alreadyReleased": true} in its record) is accepted by verifying that release in place.
     *
     * <p>Idempotent and safe under concurrent calls: the copies are create-if-absent and so is the
     * record, which is written once. A failure records nothing and says why; failures of the stores
     * propagate, so that the caller retries.
     *
     * @param captureId  the capture ({@code c-…}) whose uploads hold the release
     * @param capturedBy who asked for the capture and which one it was (for example
     *                   {@code efs-evacuation c-2026-11-27-production}), kept in the release record;
     *                   1 to 200 printable characters, never a secret
     */
    public CaptureOutcome acceptCaptured(String captureId, ReleaseId id, String capturedBy) {
        ReleaseStore.requireCaptureId(captureId);
        Objects.requireNonNull(id, "id");
        if (capturedBy == null || capturedBy.isBlank() || capturedBy.length() > 200
                || capturedBy.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f)) {
            throw new IllegalArgumentException("capturedBy must be 1 to 200 printable characters naming who captured "
                    + "the release, got '" + capturedBy + "'");
        }
        String uploaded = "captures/" + captureId + "/";
        String released = "releases/" + id + "/";
        Optional<ReleaseRecord> recorded = records.release(id);
        Optional<String> text;
        try {
            text = store.capturedManifest(captureId);
        } catch (Manifest.ManifestException e) {
            return refuseCapture(id, "INVALID_MANIFEST", uploaded + ReleaseStore.MANIFEST + " is invalid: " + e.getMessage());
        }
        if (text.isEmpty()) {
            if (recorded.isPresent()) {
                return alreadyRecorded(id, recorded.get());
            }
            return acceptReleased(captureId, id, capturedBy);
        }
        Manifest captured;
        try {
            captured = Manifest.parse(text.get());
        } catch (Manifest.ManifestException e) {
            return refuseCapture(id, "INVALID_MANIFEST", uploaded + ReleaseStore.MANIFEST + " is invalid: " + e.getMessage());
        }
        Optional<CaptureOutcome> refused = refuseUnlessCaptured(id, captured, uploaded);
        if (refused.isPresent()) {
            return refused.get();
        }
        Manifest.Artifact expected = captured.artifact();
        if (recorded.isPresent()) {
            if (!sameTarball(recorded.get().manifest(), captured)) {
                return refuseCapture(id, "CONFLICTING_RELEASE", "release " + id + " is recorded with "
                        + tarball(recorded.get().manifest()) + ", the capture's manifest says " + tarball(captured)
                        + RELEASE_DIFFERS);
            }
            return alreadyRecorded(id, recorded.get());
        }
        Optional<ReleaseStore.ArtifactDigest> actual = store.capturedDigest(captureId, expected.key());
        if (actual.isEmpty()) {
            return refuseCapture(id, "MISSING_ARTIFACT", uploaded + expected.key()
                    + " does not exist although the manifest names it");
        }
        if (!matches(actual.get(), expected)) {
            return refuseCapture(id, "CHECKSUM_MISMATCH", uploaded + expected.key() + " has sha256 "
                    + actual.get().sha256() + " and " + actual.get().bytes() + " bytes, the manifest says "
                    + expected.sha256() + " and " + expected.bytes() + " bytes: capture again");
        }
        // The tarball first and the manifest last, as the build writes them: a manifest in releases/
        // always has its tarball beside it. Neither copy overwrites what is there.
        if (!store.copyCaptured(captureId, id, expected.key())) {
            Optional<ReleaseStore.ArtifactDigest> there = store.digest(id, expected.key());
            if (there.isEmpty() || !matches(there.get(), expected)) {
                return refuseCapture(id, "CONFLICTING_RELEASE", released + expected.key() + " already exists with "
                        + there.map(d -> "sha256 " + d.sha256() + " and " + d.bytes() + " bytes").orElse("nothing readable")
                        + ", the capture's has " + tarball(captured) + RELEASE_DIFFERS);
            }
        }
        Manifest release = captured;
        if (!store.copyCaptured(captureId, id, ReleaseStore.MANIFEST)) {
            Optional<Manifest> there;
            try {
                there = records.manifest(id);
            } catch (Manifest.ManifestException e) {
                return refuseCapture(id, "CONFLICTING_RELEASE", released + ReleaseStore.MANIFEST + " already exists and "
                        + "is invalid (" + e.getMessage() + ")" + RELEASE_DIFFERS);
            }
            if (there.isEmpty()) {
                throw new ReleaseBackendException(released + ReleaseStore.MANIFEST + " exists but could not be read; "
                        + "the trigger will retry", null);
            }
            if (!there.get().releaseId().equals(id) || !there.get().isCaptured() || !sameTarball(there.get(), captured)) {
                return refuseCapture(id, "CONFLICTING_RELEASE", released + ReleaseStore.MANIFEST + " already exists for "
                        + there.get().kind() + " release " + there.get().releaseId() + " with " + tarball(there.get())
                        + ", the capture's has " + tarball(captured) + RELEASE_DIFFERS);
            }
            release = there.get();
        }
        return record(captureId, id, release, capturedBy);
    }

    /**
     * The capture uploaded nothing because {@code releases/<id>/} already held its release: that
     * release (written only by this function or the build) is verified where it is and recorded.
     */
    private CaptureOutcome acceptReleased(String captureId, ReleaseId id, String capturedBy) {
        String released = "releases/" + id + "/";
        Manifest manifest;
        try {
            Optional<Manifest> found = records.manifest(id);
            if (found.isEmpty()) {
                return refuseCapture(id, "MISSING_MANIFEST", "captures/" + captureId + "/" + ReleaseStore.MANIFEST
                        + " does not exist, nor does " + released + ReleaseStore.MANIFEST + ": the capture uploads its "
                        + "manifest last, after the tarball; see the capture command's output for why it stopped");
            }
            manifest = found.get();
        } catch (Manifest.ManifestException e) {
            return refuseCapture(id, "INVALID_MANIFEST", released + ReleaseStore.MANIFEST + " is invalid: " + e.getMessage());
        }
        Optional<CaptureOutcome> refused = refuseUnlessCaptured(id, manifest, released);
        if (refused.isPresent()) {
            return refused.get();
        }
        Manifest.Artifact expected = manifest.artifact();
        Optional<ReleaseStore.ArtifactDigest> actual = store.digest(id, expected.key());
        if (actual.isEmpty()) {
            return refuseCapture(id, "MISSING_ARTIFACT", released + expected.key()
                    + " does not exist although the manifest names it");
        }
        if (!matches(actual.get(), expected)) {
            return refuseCapture(id, "CHECKSUM_MISMATCH", released + expected.key() + " has sha256 "
                    + actual.get().sha256() + " and " + actual.get().bytes() + " bytes, the manifest says "
                    + expected.sha256() + " and " + expected.bytes() + " bytes: capture again");
        }
        return record(captureId, id, manifest, capturedBy);
    }

    /** FOREIGN_MANIFEST, NOT_CAPTURED, or INVALID_MANIFEST when it names another artifact than release.tar.gz. */
    private static Optional<CaptureOutcome> refuseUnlessCaptured(ReleaseId id, Manifest manifest, String where) {
        if (!manifest.releaseId().equals(id)) {
            return Optional.of(refuseCapture(id, "FOREIGN_MANIFEST", where + ReleaseStore.MANIFEST + " is for release "
                    + manifest.releaseId()));
        }
        if (!manifest.isCaptured()) {
            return Optional.of(refuseCapture(id, "NOT_CAPTURED", where + ReleaseStore.MANIFEST + " is of kind '"
                    + manifest.kind() + "', not 'captured': built releases are recorded when their build's event arrives"));
        }
        // Only the tarball and the manifest are ever copied from what an instance wrote.
        if (!manifest.artifact().key().equals(ReleaseStore.CAPTURED_TARBALL)) {
            return Optional.of(refuseCapture(id, "INVALID_MANIFEST", where + ReleaseStore.MANIFEST + " names the artifact '"
                    + manifest.artifact().key() + "'; a captured release's is " + ReleaseStore.CAPTURED_TARBALL));
        }
        return Optional.empty();
    }

    private CaptureOutcome record(String captureId, ReleaseId id, Manifest manifest, String capturedBy) {
        Manifest.Artifact artifact = manifest.artifact();
        boolean created = records.createRelease(new ReleaseRecord(manifest, capturedBy, clock.instant()));
        String what = "captured release " + id + " from " + manifest.capturedFrom() + " (" + manifest.targetEnvironment()
                + ", " + manifest.fileCount() + " files, " + artifact.bytes() + " bytes, sha256 " + artifact.sha256() + ")";
        if (!created) {
            return new CaptureOutcome(id, CaptureOutcome.Kind.ALREADY_RECORDED, null, what + " was recorded meanwhile");
        }
        Log.info("captured release recorded", Map.of("release", id.value(), "captureId", captureId,
                "capturedFrom", manifest.capturedFrom(), "environment", manifest.targetEnvironment(), "capturedBy", capturedBy));
        return new CaptureOutcome(id, CaptureOutcome.Kind.RECORDED, null, what + " verified and recorded (capture "
                + captureId + ")");
    }

    private static CaptureOutcome alreadyRecorded(ReleaseId id, ReleaseRecord recorded) {
        return new CaptureOutcome(id, CaptureOutcome.Kind.ALREADY_RECORDED, null, "release " + id + " ("
                + recorded.manifest().kind() + ") was already recorded by " + recorded.buildId());
    }

    private static boolean matches(ReleaseStore.ArtifactDigest digest, Manifest.Artifact artifact) {
        return digest.sha256().equals(artifact.sha256()) && digest.bytes() == artifact.bytes();
    }

    private static boolean sameTarball(Manifest a, Manifest b) {
        return a.artifact().key().equals(b.artifact().key()) && a.artifact().sha256().equals(b.artifact().sha256())
                && a.artifact().bytes() == b.artifact().bytes();
    }

    private static String tarball(Manifest manifest) {
        return "sha256 " + manifest.artifact().sha256() + " and " + manifest.artifact().bytes() + " bytes";
    }

    /**
     * Points {@code environment} at a recorded release on an operator's request (the CLI's promote and
     * rollback). It counts as asked for now, so it wins over pushes received before it.
     *
     * @param requestedBy who asked, kept in the environment's head and logs (never a secret)
     */
    public PromotionResult promote(String environment, ReleaseId releaseId, String requestedBy) {
        return promote(environment, releaseId, requestedBy, false);
    }

    /**
     * As {@link #promote(String, ReleaseId, String)}; {@code force} overrides the guard's refusal of a
     * release older than the environment's upgraded database (never a blocked environment).
     */
    public PromotionResult promote(String environment, ReleaseId releaseId, String requestedBy, boolean force) {
        Environments.requireValid(environment);
        if (records.release(releaseId).isEmpty()) {
            throw new IllegalArgumentException("release " + releaseId + " is not recorded: only verified releases "
                    + "can be promoted (see `fleetpress status` for the ones that are)");
        }
        return promote(releaseId, new PromotionIntent(environment, clock.instant(), "operator " + requestedBy), force);
    }

    private RequestOutcome requestBuild(BuildRequest request) {
        ReleaseId id = request.releaseId();
        Instant now = clock.instant();
        for (int i = 0; i < ReleaseRecords.MAX_SWAPS; i++) {
            Optional<Versioned<BuildAttempt>> current = records.attempt(id);
            if (current.isPresent() && !current.get().value().canBeSuperseded(now)) {
                BuildAttempt attempt = current.get().value();
                return new RequestOutcome(RequestOutcome.Kind.BUILD_PENDING, attempt.buildId(), "release " + id
                        + " is being built (attempt " + attempt.attempt()
                        + (attempt.buildId() == null ? "" : ", build " + attempt.buildId()) + "); "
                        + request.environment() + " is promoted when it succeeds");
            }
            BuildAttempt next = BuildAttempt.requested(current.map(v -> v.value().attempt() + 1).orElse(1), now);
            if (records.writeAttempt(id, current.map(Versioned::version).orElse(null), next)) {
                return startBuild(request, next.attempt());
            }
        }
        throw ReleaseRecords.contended(id + "/build.json");
    }

    private RequestOutcome startBuild(BuildRequest request, int attempt) {
        ReleaseId id = request.releaseId();
        String buildId;
        try {
            buildId = builds.start(new ReleaseBuilds.BuildStart(id, request.environment(), request.repository(),
                    request.ref(), request.commit(), attempt));
        } catch (RuntimeException e) {
            // Mark the attempt failed so the next push retries at once; if even that fails, the
            // attempt is superseded when it is older than BuildAttempt.REQUEST_ABANDONED_AFTER.
            try {
                updateAttempt(id, attempt, a -> a.failed(null, "StartBuild failed: " + e.getMessage(), clock.instant()));
            } catch (RuntimeException secondary) {
                e.addSuppressed(secondary);
            }
            throw e;
        }
        try {
            updateAttempt(id, attempt, a -> a.started(buildId, clock.instant()));
        } catch (RuntimeException e) {
            // The build runs and its event will find the attempt by state; only the build id is missing.
            Log.warn("started a build but could not record its id", Map.of("release", id.value(),
                    "buildId", buildId, "error", String.valueOf(e.getMessage())));
        }
        return new RequestOutcome(RequestOutcome.Kind.BUILD_STARTED, buildId, "started build " + buildId
                + " of release " + id + " for " + request.environment());
    }

    private static CaptureOutcome refuseCapture(ReleaseId id, String failure, String reason) {
        String why = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason;
        Log.warn("captured release refused", Map.of("release", id.value(), "failure", failure, "reason", why));
        return new CaptureOutcome(id, CaptureOutcome.Kind.FAILED, failure, failure + ": " + why);
    }

    private BuildOutcome fail(BuildResult result, String status, String reason) {
        ReleaseId id = result.releaseId();
        String why = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason;
        Instant now = clock.instant();
        records.recordFailure(new BuildFailure(id, result.buildId(), status, why, result.environment(), now),
                result.buildKey());
        updateAttemptOf(id, result.buildId(), a -> a.failed(result.buildId(), status + ": " + why, now));
        return new BuildOutcome(id, BuildOutcome.Kind.FAILED, status + ": " + why, List.of());
    }

    /** Null when the manifest was written for this build's release and commit, else what differs. */
    private static String mismatch(Manifest manifest, BuildResult result) {
        if (!manifest.releaseId().equals(result.releaseId())) {
            return "manifest is for release " + manifest.releaseId() + ", the build was for " + result.releaseId();
        }
        if (!Manifest.BUILT.equals(manifest.kind())) {
            return "manifest kind is '" + manifest.kind() + "', a release build must write 'built'";
        }
        if (result.commit() != null && !result.commit().equals(manifest.commit())) {
            return "manifest is for commit " + manifest.commit() + ", the build was for " + result.commit();
        }
        return null;
    }

    private List<PromotionResult> promoteIntents(ReleaseId id) {
        List<PromotionResult> results = new ArrayList<>();
        for (PromotionIntent intent : records.intents(id)) {
            results.add(promote(id, intent, false));
        }
        return results;
    }

    private PromotionResult promote(ReleaseId id, PromotionIntent intent, boolean force) {
        String env = intent.environment();
        boolean guarded = false;
        for (int i = 0; i < ReleaseRecords.MAX_SWAPS; i++) {
            Optional<Versioned<EnvironmentHead>> head = records.head(env);
            if (head.isPresent()) {
                EnvironmentHead h = head.get().value();
                if (!intent.receivedAt().isAfter(h.receivedAt())) {
                    return h.releaseId().equals(id) ? followAsBystander(env, id, h)
                            : new PromotionResult(env, id, PromotionResult.Kind.SUPERSEDED, env + " stays on "
                            + h.releaseId() + ", asked for at " + h.receivedAt() + " by " + h.source()
                            + ", later than " + id + " (" + intent.receivedAt() + ")");
                }
            }
            // Only a move to another release needs the guard's consent; a repeat of the current one never does.
            if (!guarded && head.map(h -> !h.value().releaseId().equals(id)).orElse(true)) {
                Optional<String> refusal = records.release(id).flatMap(r -> guard.refusal(env, r.manifest(), force));
                if (refusal.isPresent()) {
                    Log.warn("promotion refused", Map.of("environment", env, "release", id.value(), "reason", refusal.get()));
                    return new PromotionResult(env, id, PromotionResult.Kind.REFUSED, refusal.get());
                }
                guarded = true;
            }
            // Also when the head already names this release: a newer ask for it must outrank
            // anything asked for in between, so the head takes the newer time.
            EnvironmentHead next = new EnvironmentHead(env, id, intent.receivedAt(), intent.source(), clock.instant());
            if (records.writeHead(head.map(Versioned::version).orElse(null), next)) {
                return follow(env, id);
            }
        }
        throw ReleaseRecords.contended("environments/" + env + ".json");
    }

    /**
     * The head already names {@code id} through another invocation (a duplicate event, or a retry).
     * That invocation writes the pointer; writing it here too would add a second SSM version with
     * the same value. Only when the head moved long enough ago that its writer must have failed
     * does this one repair the pointer.
     */
    private PromotionResult followAsBystander(String env, ReleaseId id, EnvironmentHead head) {
        if (pointers.current(env).filter(id::equals).isPresent()) {
            return new PromotionResult(env, id, PromotionResult.Kind.ALREADY_CURRENT, env + " already runs " + id);
        }
        if (Duration.between(head.promotedAt(), clock.instant()).compareTo(WRITER_GRACE) < 0) {
            return new PromotionResult(env, id, PromotionResult.Kind.ALREADY_CURRENT,
                    env + " is being moved to " + id + " by the invocation that moved its head at " + head.promotedAt());
        }
        return follow(env, id);
    }

    /** Makes the pointer name {@code id}, which the head has just named (or already named). */
    private PromotionResult follow(String env, ReleaseId id) {
        if (pointers.current(env).filter(id::equals).isPresent()) {
            return new PromotionResult(env, id, PromotionResult.Kind.ALREADY_CURRENT, env + " already runs " + id);
        }
        pointers.set(env, id);
        // A concurrent promotion may have moved the head past us while we wrote; the pointer must
        // end on the head, and whoever writes last re-reads it, so it does.
        ReleaseId head = records.head(env).map(v -> v.value().releaseId()).orElse(id);
        if (!head.equals(id)) {
            pointers.set(env, head);
            return new PromotionResult(env, id, PromotionResult.Kind.SUPERSEDED, env + " moved on to " + head
                    + " while " + id + " was being promoted");
        }
        Log.info("promoted", Map.of("environment", env, "release", id.value()));
        return new PromotionResult(env, id, PromotionResult.Kind.PROMOTED, env + " now runs " + id);
    }

    /** Applies {@code change} to attempt number {@code attempt}, unless a newer attempt replaced it. */
    private void updateAttempt(ReleaseId id, int attempt, UnaryOperator<BuildAttempt> change) {
        updateAttemptIf(id, a -> a.attempt() == attempt, change);
    }

    /** Applies {@code change} to the attempt that ran {@code buildId}, unless it has moved on (or succeeded). */
    private void updateAttemptOf(ReleaseId id, String buildId, UnaryOperator<BuildAttempt> change) {
        updateAttemptIf(id, a -> a.state() != BuildAttempt.State.SUCCEEDED && a.isBuild(buildId), change);
    }

    private void updateAttemptIf(ReleaseId id, Predicate<BuildAttempt> applies,
                                 UnaryOperator<BuildAttempt> change) {
        for (int i = 0; i < ReleaseRecords.MAX_SWAPS; i++) {
            Optional<Versioned<BuildAttempt>> current = records.attempt(id);
            if (current.isEmpty() || !applies.test(current.get().value())) {
                return;
            }
            if (records.writeAttempt(id, current.get().version(), change.apply(current.get().value()))) {
                return;
            }
        }
        throw ReleaseRecords.contended(id + "/build.json");
    }
}
