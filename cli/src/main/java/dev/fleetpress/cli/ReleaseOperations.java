package dev.fleetpress.cli;

import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.aws.S3ReleaseStore;
import dev.fleetpress.aws.SsmEnvironmentPointers;
import dev.fleetpress.fleet.FleetRecords;
import dev.fleetpress.fleet.InstanceRecord;
import dev.fleetpress.fleet.InstanceState;
import dev.fleetpress.release.BuildAttempt;
import dev.fleetpress.release.EnvironmentPointers.PointerVersion;
import dev.fleetpress.release.Environments;
import dev.fleetpress.release.Manifest;
import dev.fleetpress.release.PromotionResult;
import dev.fleetpress.release.ReleaseBuilds;
import dev.fleetpress.release.ReleaseCatalog;
import dev.fleetpress.release.ReleaseId;
import dev.fleetpress.release.ReleasePipeline;
import dev.fleetpress.release.ReleaseRecord;
import dev.fleetpress.rollout.RolloutRecord;
import dev.fleetpress.rollout.RolloutRecords;
import dev.fleetpress.upgrade.DatabaseGuard;
import dev.fleetpress.upgrade.DatabaseRecord;
import dev.fleetpress.upgrade.UpgradeRecord;
import dev.fleetpress.upgrade.UpgradeRecords;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.ssm.SsmClient;

/**
 * What an operator does to releases, over one cloud's release bucket and SSM parameters (localcloud's
 * or AWS's): promote, roll back, acknowledge a failed upgrade, and read an environment's status.
 *
 * <p>Promotion and rollback go through {@link ReleasePipeline#promote} with FleetPress's
 * {@link DatabaseGuard}, so they move the environment's head and pointer exactly as a push would, and
 * refuse what the guard refuses. Moving the pointer is all they do: the RolloutFunction reacts to the
 * parameter's change and rolls the release out, then runs the upgrade gate.
 *
 * <p>Bad input (an unknown environment, an unknown or unrecorded release) throws
 * {@link IllegalArgumentException} with a message that says what to do; failures of S3 or SSM
 * propagate as the adapters' exceptions.
 */
final class ReleaseOperations {
    /** Instance records in these states describe instances that are gone or never served: not shown. */
    static final Set<InstanceState> GONE = EnumSet.of(InstanceState.DRAINED, InstanceState.DRAIN_FAILED,
            InstanceState.DRAIN_SKIPPED, InstanceState.ACTION_EXPIRED, InstanceState.BOOTSTRAP_FAILED,
            InstanceState.TIMED_OUT, InstanceState.NO_RELEASE);
    private static final String FLEET_PREFIX = "fleet/";
    private static final String INSTANCES_PREFIX = FLEET_PREFIX + "instances/";
    /** What a status shows for a record that does not exist (no rollout yet, a gate nobody claimed). */
    static final String NONE = "NONE";

    private final S3Client s3;
    private final String bucket;
    private final SsmEnvironmentPointers pointers;
    private final ReleaseCatalog catalog;
    private final ReleasePipeline pipeline;
    private final RolloutRecords rollouts;
    private final UpgradeRecords upgrades;
    private final FleetRecords fleet;

    private ReleaseOperations(S3Client s3, SsmClient ssm, String bucket, String prefix, Clock clock) {
        this.s3 = Objects.requireNonNull(s3, "s3");
        Objects.requireNonNull(ssm, "ssm");
        Objects.requireNonNull(clock, "clock");
        if (bucket == null || bucket.isBlank()) {
            throw new IllegalArgumentException("the release bucket is not set (the stack's output ReleaseBucketName)");
        }
        this.bucket = bucket;
        this.pointers = SsmEnvironmentPointers.create(ssm, prefix);
        S3ReleaseStore store = S3ReleaseStore.create(s3, bucket);
        this.catalog = ReleaseCatalog.of(store, pointers);
        ReleaseBuilds noBuilds = start -> {
            throw new UnsupportedOperationException("the CLI never starts builds");
        };
        this.pipeline = ReleasePipeline.of(store, noBuilds, pointers,
                DatabaseGuard.create(S3Ledger.create(s3, bucket, UpgradeRecords.PREFIX)), clock);
        this.rollouts = new RolloutRecords(S3Ledger.create(s3, bucket, RolloutRecords.PREFIX));
        this.upgrades = new UpgradeRecords(S3Ledger.create(s3, bucket, UpgradeRecords.PREFIX));
        this.fleet = new FleetRecords(S3Ledger.create(s3, bucket, FLEET_PREFIX));
    }

    /**
     * The operations over {@code releaseBucket} (the stack's output ReleaseBucketName) and the environment
     * pointers under {@code parameterPrefix} (its output ParameterPrefix, {@code /fleetpress/<stack>}).
     */
    static ReleaseOperations of(S3Client s3, SsmClient ssm, String releaseBucket, String parameterPrefix, Clock clock) {
        return new ReleaseOperations(s3, ssm, releaseBucket, parameterPrefix, clock);
    }

    /** A release id from the command line: {@code r-} and 12 hex digits, or a full commit id. */
    static ReleaseId releaseId(String text) {
        if (ReleaseId.isCommit(text)) {
            return ReleaseId.forCommit(text);
        }
        return ReleaseId.of(text);
    }

    /**
     * Points {@code environment} at {@code release}, unless the guard refuses (REFUSED, with the guard's
     * reason verbatim as the message). {@code force} overrides only a database newer than the release.
     */
    PromotionResult promote(String environment, ReleaseId release, boolean force, String requestedBy) {
        Objects.requireNonNull(release, "release");
        List<PointerVersion> history = history(environment);
        requireRecorded(release);
        return described(pipeline.promote(environment, release, requestedBy, force), history.get(0), "promoted");
    }

    /** to empty: the newest earlier pointer version whose release differs from the current one and is recorded. */
    PromotionResult rollback(String environment, Optional<ReleaseId> to, boolean force, String requestedBy) {
        Objects.requireNonNull(to, "to");
        List<PointerVersion> history = history(environment);
        ReleaseId target = to.isPresent() ? to.get() : previous(environment, history);
        requireRecorded(target);
        return described(pipeline.promote(environment, target, requestedBy, force), history.get(0), "rolled back to");
    }

    /**
     * Lifts the block a failed database upgrade put on {@code environment}; returns the database record
     * as written (unchanged when it was not blocked).
     */
    DatabaseRecord acknowledge(String environment, String by) {
        history(environment);
        return upgrades.acknowledge(environment, by);
    }

    /** The environment's database record: its upgraded schema version and whether a failed upgrade blocks it. */
    DatabaseRecord database(String environment) {
        history(environment);
        return upgrades.database(environment);
    }

    /** Everything {@code fleetpress status} shows about {@code environment}, with its whole pointer history. */
    EnvironmentView status(String environment) {
        return status(environment, Integer.MAX_VALUE);
    }

    /** As {@link #status(String)}, with at most {@code historyLimit} history entries (newest first). */
    EnvironmentView status(String environment, int historyLimit) {
        if (historyLimit < 0) {
            throw new IllegalArgumentException("the history length must not be negative, got " + historyLimit);
        }
        List<PointerVersion> history = history(environment);
        Map<String, Release> releases = new HashMap<>();
        Map<String, String> gates = new HashMap<>();
        PointerVersion head = history.get(0);
        Release current = release(head.value(), releases);

        Optional<RolloutRecord> rolloutRecord = rollouts.current(environment);
        Rollout rollout = rolloutRecord.map(Rollout::of).orElse(Rollout.NONE);
        List<InstanceView> instances = instances(environment, current.id(), rollout);
        Gate gate = head.releaseId().flatMap(id -> upgrades.gate(environment, id)).map(Gate::of)
                .orElseGet(() -> Gate.none(head.value()));
        gates.put(head.value(), gate.state());

        List<Deployment> deployments = new ArrayList<>();
        for (PointerVersion v : history.subList(0, Math.min(historyLimit, history.size()))) {
            String rolloutState = rolloutRecord.filter(r -> r.pointerVersion() == v.version())
                    .or(() -> rollouts.archived(environment, v.version()))
                    .map(r -> r.state().name()).orElse(NONE);
            String gateState = gates.computeIfAbsent(v.value(), value -> ReleaseOperations.parse(value)
                    .flatMap(id -> upgrades.gate(environment, id)).map(g -> g.state().name()).orElse(NONE));
            deployments.add(new Deployment(v.version(), v.modifiedAt(), release(v.value(), releases), rolloutState,
                    gateState));
        }
        return new EnvironmentView(environment, current, head.version(), rollout, instances, gate,
                upgrades.database(environment), deployments);
    }

    /** The environments that have a release pointer, sorted by name. */
    List<String> environments() {
        return pointers.environments();
    }

    /** The environment's pointer history, newest first; never empty (an environment without one is unknown). */
    private List<PointerVersion> history(String environment) {
        Environments.requireValid(environment);
        List<PointerVersion> history = pointers.history(environment);
        if (history.isEmpty()) {
            List<String> known = pointers.environments();
            throw new IllegalArgumentException("unknown environment '" + environment + "': it has no release pointer ("
                    + pointers.parameterName(environment) + "). " + (known.isEmpty()
                    ? "No environment has a release yet: push to a mapped branch or tag first"
                    : "Known environments: " + String.join(", ", known)
                    + " (an environment gets its first release from a push to its mapped branch or tag)"));
        }
        return history;
    }

    private ReleaseId previous(String environment, List<PointerVersion> history) {
        Optional<ReleaseId> current = history.get(0).releaseId();
        Map<ReleaseId, Boolean> recorded = new HashMap<>();
        for (PointerVersion v : history.subList(1, history.size())) {
            Optional<ReleaseId> id = v.releaseId();
            if (id.isPresent() && !id.equals(current)
                    && recorded.computeIfAbsent(id.get(), r -> catalog.release(r).isPresent())) {
                return id.get();
            }
        }
        throw new IllegalArgumentException(environment + " has no earlier recorded release to roll back to: its pointer "
                + "history (" + history.size() + " version" + (history.size() == 1 ? "" : "s") + ") names only "
                + history.get(0).value() + ". Name a recorded release with --to <release>");
    }

    private void requireRecorded(ReleaseId release) {
        if (catalog.release(release).isPresent()) {
            return;
        }
        Optional<BuildAttempt> build = catalog.build(release);
        if (build.isEmpty()) {
            throw new IllegalArgumentException("unknown release " + release + ": nothing was built for it. A release id "
                    + "is r- and the first 12 hex digits of a pushed commit; `fleetpress status` lists the releases "
                    + "each environment ran");
        }
        BuildAttempt b = build.get();
        String which = "attempt " + b.attempt() + (b.buildId() == null ? "" : ", build " + b.buildId());
        throw new IllegalArgumentException(switch (b.state()) {
            case REQUESTED, STARTED -> "release " + release + " is not recorded yet: its build (" + which
                    + ") has not finished. Promote it once it is recorded";
            case FAILED -> "release " + release + " is not recorded: its build (" + which + ") failed: " + b.reason()
                    + ". Push a fix to build a new release";
            case SUCCEEDED -> "release " + release + " is not recorded although its build (" + which
                    + ") succeeded; its verification record is missing. Push the commit again to re-verify it";
        });
    }

    /** The operator's line for a promotion that moved the pointer; the other outcomes keep their own message. */
    private static PromotionResult described(PromotionResult result, PointerVersion before, String verb) {
        if (result.kind() != PromotionResult.Kind.PROMOTED) {
            return result;
        }
        return new PromotionResult(result.environment(), result.releaseId(), result.kind(), result.environment() + ": "
                + verb + " " + result.releaseId() + " (was " + before.value() + "); the rollout starts now");
    }

    private List<InstanceView> instances(String environment, String currentRelease, Rollout rollout) {
        List<InstanceView> out = new ArrayList<>();
        for (ListObjectsV2Response page : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(INSTANCES_PREFIX))) {
            for (S3Object object : page.contents()) {
                String name = object.key().substring(INSTANCES_PREFIX.length());
                if (!name.endsWith(".json") || name.contains("/")) {
                    continue;
                }
                String instanceId = name.substring(0, name.length() - ".json".length());
                Optional<InstanceRecord> record;
                try {
                    record = fleet.instance(instanceId);
                } catch (IllegalArgumentException e) {
                    // Not an instance id (someone else's object under fleet/instances/): not an instance.
                    continue;
                }
                record.filter(r -> r.environment().equals(environment) && !GONE.contains(r.state()))
                        .ifPresent(r -> out.add(new InstanceView(r.instanceId(), r.group(), r.release(), r.state().name(),
                                r.phase().slug(), rollout.instances().getOrDefault(r.instanceId(), ""), r.reason(),
                                r.updatedAt(), r.release().equals(currentRelease))));
            }
        }
        out.sort(Comparator.comparing(InstanceView::instanceId));
        return out;
    }

    private Release release(String value, Map<String, Release> cache) {
        return cache.computeIfAbsent(value, v -> parse(v).flatMap(catalog::release).map(Release::of)
                .orElseGet(() -> Release.unrecorded(v)));
    }

    private static Optional<ReleaseId> parse(String value) {
        return new PointerVersion(0, value, Instant.EPOCH).releaseId();
    }

    /**
     * One environment as {@code fleetpress status} shows it.
     *
     * @param current        what the pointer names now
     * @param pointerVersion the pointer's current SSM version (each promotion adds one)
     * @param rollout        the environment's latest rollout; {@link Rollout#NONE} before the first
     * @param instances      the environment's instances that FleetPress bootstrapped or activated and that
     *                       are not gone (drained, failed to launch), by id, each with its running release
     * @param upgrade        the database upgrade gate of the current release
     * @param database       the database's upgraded schema version and block
     * @param history        the pointer's versions, newest first (the first is the current one)
     */
    record EnvironmentView(String environment, Release current, long pointerVersion, Rollout rollout,
                           List<InstanceView> instances, Gate upgrade, DatabaseRecord database,
                           List<Deployment> history) {
        EnvironmentView {
            instances = List.copyOf(instances);
            history = List.copyOf(history);
        }

        /** The instances whose running release is not the current one (mid-roll, or an activation that failed). */
        List<InstanceView> behind() {
            return instances.stream().filter(i -> !i.onCurrent()).toList();
        }
    }

    /**
     * A release as a pointer named it. {@code recorded} is false when the pointer holds something that
     * is not a recorded release (a hand-edited value); then only {@code id} is set.
     *
     * @param wordpressVersion empty when the release ships no WordPress core (then {@code dbVersion} is 0)
     */
    record Release(String id, boolean recorded, String commit, String ref, long fileCount, String sha256,
                   String wordpressVersion, long dbVersion) {
        static Release of(ReleaseRecord record) {
            Manifest m = record.manifest();
            return new Release(m.releaseId().value(), true, Objects.toString(m.commit(), ""),
                    Objects.toString(m.ref(), ""), m.fileCount(), m.artifact().sha256(),
                    m.wordpress() == null ? "" : m.wordpress().version(),
                    m.wordpress() == null ? 0 : m.wordpress().dbVersion());
        }

        static Release unrecorded(String value) {
            return new Release(value, false, "", "", 0, "", "", 0);
        }
    }

    /**
     * An environment's rollout (see {@link RolloutRecord}); {@code state} is a
     * {@link dev.fleetpress.rollout.RolloutState} name, or {@value ReleaseOperations#NONE}.
     *
     * @param instances the activation's status per instance, as SSM reported them (empty until it ends)
     */
    record Rollout(String release, long pointerVersion, String state, String commandId, Map<String, String> instances,
                   String reason, Instant updatedAt) {
        static final Rollout NONE = new Rollout("", 0, ReleaseOperations.NONE, "", Map.of(), "no rollout yet", Instant.EPOCH);

        Rollout {
            instances = Map.copyOf(instances);
        }

        static Rollout of(RolloutRecord r) {
            return new Rollout(r.release(), r.pointerVersion(), r.state().name(), r.commandId(), r.instances(),
                    r.reason(), r.updatedAt());
        }
    }

    /**
     * One instance and the release it runs, from {@code fleet/instances/<id>.json}.
     *
     * @param state      an {@link InstanceState} name: what the instance's last lifecycle action or activation did
     * @param activation the latest rollout's status for this instance (empty when it was not part of it)
     * @param onCurrent  whether it runs the environment's current release
     */
    record InstanceView(String instanceId, String group, String release, String state, String phase, String activation,
                        String reason, Instant updatedAt, boolean onCurrent) {
    }

    /**
     * The database upgrade gate of one release in the environment (see {@link UpgradeRecord}); {@code state}
     * is a {@link dev.fleetpress.upgrade.UpgradeState} name, or {@value ReleaseOperations#NONE} when nobody
     * claimed it yet.
     */
    record Gate(String release, String state, int attempt, String instanceId, String commandId, String reason,
                Instant updatedAt) {
        static Gate of(UpgradeRecord r) {
            return new Gate(r.release(), r.state().name(), r.attempt(), r.instanceId(), r.commandId(), r.reason(),
                    r.updatedAt());
        }

        static Gate none(String release) {
            return new Gate(release, NONE, 0, "", "", "not claimed yet (the rollout triggers it once activated)",
                    Instant.EPOCH);
        }
    }

    /**
     * One version of the environment's pointer.
     *
     * @param rollout that version's rollout state ({@value ReleaseOperations#NONE}: none recorded)
     * @param upgrade the release's upgrade gate state in this environment ({@value ReleaseOperations#NONE}: none)
     */
    record Deployment(long version, Instant promotedAt, Release release, String rollout, String upgrade) {
    }
}
