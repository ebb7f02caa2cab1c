package dev.fleetpress.localcloud.autoscaling;

import dev.fleetpress.localcloud.ec2.Instances;
import dev.fleetpress.localcloud.template.Template;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.services.autoscaling.AutoScalingClient;
import software.amazon.awssdk.services.autoscaling.model.Activity;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingGroup;
import software.amazon.awssdk.services.autoscaling.model.AutoScalingInstanceDetails;
import software.amazon.awssdk.services.autoscaling.model.CompleteLifecycleActionRequest;
import software.amazon.awssdk.services.autoscaling.model.CompleteLifecycleActionResponse;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingGroupsResponse;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingInstancesRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeAutoScalingInstancesResponse;
import software.amazon.awssdk.services.autoscaling.model.DescribeLifecycleHooksRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeLifecycleHooksResponse;
import software.amazon.awssdk.services.autoscaling.model.DescribeWarmPoolRequest;
import software.amazon.awssdk.services.autoscaling.model.DescribeWarmPoolResponse;
import software.amazon.awssdk.services.autoscaling.model.Instance;
import software.amazon.awssdk.services.autoscaling.model.LifecycleHook;
import software.amazon.awssdk.services.autoscaling.model.RecordLifecycleActionHeartbeatRequest;
import software.amazon.awssdk.services.autoscaling.model.RecordLifecycleActionHeartbeatResponse;
import software.amazon.awssdk.services.autoscaling.model.ScalingActivityStatusCode;
import software.amazon.awssdk.services.autoscaling.model.SetDesiredCapacityRequest;
import software.amazon.awssdk.services.autoscaling.model.SetDesiredCapacityResponse;
import software.amazon.awssdk.services.autoscaling.model.TerminateInstanceInAutoScalingGroupRequest;
import software.amazon.awssdk.services.autoscaling.model.TerminateInstanceInAutoScalingGroupResponse;
import software.amazon.awssdk.services.autoscaling.model.UpdateAutoScalingGroupRequest;
import software.amazon.awssdk.services.autoscaling.model.UpdateAutoScalingGroupResponse;
import software.amazon.awssdk.services.autoscaling.model.WarmPoolConfiguration;
import software.amazon.awssdk.services.autoscaling.model.WarmPoolState;

/**
 * EC2 Auto Scaling for one machine, behind the SDK's own {@link AutoScalingClient} interface so
 * FleetPress's production adapters run against it unchanged. Instances are sandboxes from
 * {@link Instances}; lifecycle hook events go to the event sink as EventBridge JSON.
 *
 * <p>The instance lifecycle, as AWS runs it:
 * <ul>
 * <li>Scale-out: {@code Pending} → (launch hooks) {@code Pending:Wait} → {@code Pending:Proceed} →
 *     {@code InService}. A warmed instance is taken first when the group has one ({@code Origin}
 *     {@code WarmPool}), else a new one is launched ({@code Origin} {@code EC2}).</li>
 * <li>A launch ABANDON (or a DefaultResult of ABANDON on timeout) terminates the instance through
 *     {@code Terminating} and the terminate hooks, like any termination, and a replacement is launched
 *     at once (after a backoff that grows while launches keep failing, see {@link Settings}).</li>
 * <li>Scale-in and TerminateInstanceInAutoScalingGroup: {@code Terminating} → (terminate hooks)
 *     {@code Terminating:Wait} → {@code Terminating:Proceed} → {@code Terminated}; CONTINUE, ABANDON
 *     and a timeout all terminate. Scale-in takes instances still launching first (newest first),
 *     then the oldest in service.</li>
 * <li>Warm pool (MinSize &gt; 0, pool state Stopped): filled to MinSize with {@code Warmed:Pending}
 *     → {@code Warmed:Pending:Wait} ({@code EC2} → {@code WarmPool}) → {@code Warmed:Pending:Proceed}
 *     → {@code Warmed:Stopped}, and refilled when scale-out takes from it.</li>
 * <li>Each wait has one action (token) per hook of the transition; every hook must continue. The
 *     heartbeat timeout restarts on RecordLifecycleActionHeartbeat; a wait lasts at most
 *     min(48 h, 100 × heartbeat timeout).</li>
 * </ul>
 *
 * <p>Implemented: {@code DescribeAutoScalingGroups} (names filter, paging; no Filters),
 * {@code DescribeAutoScalingInstances} (InstanceIds filter, paging by 50, warm pool included),
 * {@code DescribeLifecycleHooks}, {@code DescribeWarmPool}, {@code SetDesiredCapacity},
 * {@code UpdateAutoScalingGroup} (MinSize, MaxSize, DesiredCapacity only; other fields are refused),
 * {@code TerminateInstanceInAutoScalingGroup}, {@code CompleteLifecycleAction} and
 * {@code RecordLifecycleActionHeartbeat} (by token or by instance id). A finished, expired or unknown
 * action answers {@code ValidationError: No active Lifecycle Action found with …}. Every other
 * operation (creating groups or hooks, policies, instance refresh, standby, detach…) is the SDK's
 * default, which throws {@link UnsupportedOperationException}. Errors are the SDK's exceptions with
 * AWS's error codes, status 400 and messages.
 *
 * <p>Thread-safe. All transitions, timers and event deliveries run on one scheduler thread.
 */
public final class LocalAutoScaling implements AutoScalingClient {
    private static final String INSTANCE_TYPE = "t3.micro";
    private static final String ZONE = "us-east-1a";
    private static final String SERVICE_LINKED_ROLE =
            "arn:aws:iam::" + LifecycleEvents.ACCOUNT + ":role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling";
    private static final int MAX_GROUP_RECORDS = 100;
    private static final int MAX_INSTANCE_RECORDS = 50;
    private static final int MAX_WARM_POOL_RECORDS = 50;
    private static final int MAX_FILTER_VALUES = 50;
    private static final long MAX_GLOBAL_TIMEOUT_SECONDS = 172_800;
    private static final Set<String> UPDATABLE = Set.of("AutoScalingGroupName", "MinSize", "MaxSize", "DesiredCapacity");

    private final Fleet fleet;

    private LocalAutoScaling(Fleet fleet) {
        this.fleet = fleet;
    }

    /**
     * An Auto Scaling running {@code groups} (each empty at first; warm pools start filling at
     * once), launching instances in {@code instances} and handing each lifecycle event to
     * {@code eventSink} on its scheduler thread.
     */
    public static LocalAutoScaling create(Instances instances, Consumer<String> eventSink, List<GroupSpec> groups,
            Settings settings) {
        Fleet fleet = new Fleet(Objects.requireNonNull(instances, "instances"), Objects.requireNonNull(eventSink, "eventSink"),
                List.copyOf(groups), Objects.requireNonNull(settings, "settings"));
        fleet.start();
        return new LocalAutoScaling(fleet);
    }

    /**
     * The groups template.yaml gives hooks or a warm pool: every {@code AWS::AutoScaling::LifecycleHook}
     * (HeartbeatTimeout 3600 and DefaultResult ABANDON when absent) and every
     * {@code AWS::AutoScaling::WarmPool} whose Condition holds, grouped by AutoScalingGroupName.
     */
    public static List<GroupSpec> fromTemplate(Template template) {
        return TemplateGroups.read(template);
    }

    // ---- Auto Scaling operations

    @Override
    public DescribeAutoScalingGroupsResponse describeAutoScalingGroups(DescribeAutoScalingGroupsRequest request) {
        if (!request.filters().isEmpty()) {
            throw AutoScalingErrors.validation("DescribeAutoScalingGroups Filters are not supported by localcloud; "
                    + "filter by AutoScalingGroupNames");
        }
        requireAtMost(request.autoScalingGroupNames(), MAX_GROUP_RECORDS, "autoScalingGroupNames");
        Set<String> names = Set.copyOf(request.autoScalingGroupNames());
        boolean withInstances = !Boolean.FALSE.equals(request.includeInstances());
        List<Fleet.GroupView> groups = fleet.groups().stream()
                .filter(g -> names.isEmpty() || names.contains(g.spec().name()))
                .sorted(Comparator.comparing(g -> g.spec().name())).toList();
        Pages.Page<Fleet.GroupView> page = Pages.page(groups, g -> g.spec().name(), request.nextToken(),
                request.maxRecords(), MAX_GROUP_RECORDS);
        return DescribeAutoScalingGroupsResponse.builder()
                .autoScalingGroups(page.items().stream().map(g -> group(g, withInstances)).toList())
                .nextToken(page.nextToken())
                .build();
    }

    @Override
    public DescribeAutoScalingInstancesResponse describeAutoScalingInstances(DescribeAutoScalingInstancesRequest request) {
        requireAtMost(request.instanceIds(), MAX_FILTER_VALUES, "instanceIds");
        Set<String> ids = Set.copyOf(request.instanceIds());
        List<Fleet.MemberView> members = fleet.groups().stream().flatMap(g -> g.members().stream())
                .filter(m -> ids.isEmpty() || ids.contains(m.id()))
                .sorted(Comparator.comparing(Fleet.MemberView::id)).toList();
        Pages.Page<Fleet.MemberView> page = Pages.page(members, Fleet.MemberView::id, request.nextToken(),
                request.maxRecords(), MAX_INSTANCE_RECORDS);
        return DescribeAutoScalingInstancesResponse.builder()
                .autoScalingInstances(page.items().stream().map(m -> AutoScalingInstanceDetails.builder()
                        .instanceId(m.id())
                        .instanceType(INSTANCE_TYPE)
                        .autoScalingGroupName(m.groupName())
                        .availabilityZone(ZONE)
                        .lifecycleState(m.state().toString())
                        // DescribeAutoScalingInstances spells it in capitals, DescribeAutoScalingGroups does not.
                        .healthStatus("HEALTHY")
                        .protectedFromScaleIn(false)
                        .build()).toList())
                .nextToken(page.nextToken())
                .build();
    }

    @Override
    public DescribeLifecycleHooksResponse describeLifecycleHooks(DescribeLifecycleHooksRequest request) {
        requireAtMost(request.lifecycleHookNames(), MAX_FILTER_VALUES, "lifecycleHookNames");
        Fleet.GroupView g = fleet.group(required(request.autoScalingGroupName(), "autoScalingGroupName"));
        Set<String> names = Set.copyOf(request.lifecycleHookNames());
        return DescribeLifecycleHooksResponse.builder()
                .lifecycleHooks(g.spec().hooks().stream()
                        .filter(h -> names.isEmpty() || names.contains(h.name()))
                        .map(h -> LifecycleHook.builder()
                                .lifecycleHookName(h.name())
                                .autoScalingGroupName(g.spec().name())
                                .lifecycleTransition(h.transition())
                                .notificationMetadata(h.notificationMetadata().isEmpty() ? null : h.notificationMetadata())
                                .heartbeatTimeout((int) h.heartbeatTimeout().toSeconds())
                                .globalTimeout((int) Math.min(MAX_GLOBAL_TIMEOUT_SECONDS, 100 * h.heartbeatTimeout().toSeconds()))
                                .defaultResult(h.defaultResult())
                                .build())
                        .toList())
                .build();
    }

    @Override
    public DescribeWarmPoolResponse describeWarmPool(DescribeWarmPoolRequest request) {
        Fleet.GroupView g = fleet.group(required(request.autoScalingGroupName(), "autoScalingGroupName"));
        if (g.spec().warmPoolMinSize() == 0) {
            return DescribeWarmPoolResponse.builder().instances(List.of()).build();
        }
        List<Fleet.MemberView> warmed = g.members().stream().filter(LocalAutoScaling::warmed)
                .sorted(Comparator.comparing(Fleet.MemberView::id)).toList();
        Pages.Page<Fleet.MemberView> page = Pages.page(warmed, Fleet.MemberView::id, request.nextToken(),
                request.maxRecords(), MAX_WARM_POOL_RECORDS);
        return DescribeWarmPoolResponse.builder()
                .warmPoolConfiguration(warmPool(g))
                .instances(page.items().stream().map(LocalAutoScaling::instance).toList())
                .nextToken(page.nextToken())
                .build();
    }

    @Override
    public SetDesiredCapacityResponse setDesiredCapacity(SetDesiredCapacityRequest request) {
        fleet.setDesired(required(request.autoScalingGroupName(), "autoScalingGroupName"),
                required(request.desiredCapacity(), "desiredCapacity"));
        return SetDesiredCapacityResponse.builder().build();
    }

    @Override
    public UpdateAutoScalingGroupResponse updateAutoScalingGroup(UpdateAutoScalingGroupRequest request) {
        refuseUnsupportedFields(request, UPDATABLE, "UpdateAutoScalingGroup");
        fleet.update(required(request.autoScalingGroupName(), "autoScalingGroupName"),
                request.minSize(), request.maxSize(), request.desiredCapacity());
        return UpdateAutoScalingGroupResponse.builder().build();
    }

    @Override
    public TerminateInstanceInAutoScalingGroupResponse terminateInstanceInAutoScalingGroup(
            TerminateInstanceInAutoScalingGroupRequest request) {
        String id = required(request.instanceId(), "instanceId");
        boolean decrement = required(request.shouldDecrementDesiredCapacity(), "shouldDecrementDesiredCapacity");
        Fleet.Termination t = fleet.terminate(id, decrement);
        Instant now = Instant.now();
        String shrink = t.desiredAfter() == t.desiredBefore() ? ""
                : ", shrinking the capacity from " + t.desiredBefore() + " to " + t.desiredAfter();
        return TerminateInstanceInAutoScalingGroupResponse.builder()
                .activity(Activity.builder()
                        .activityId(UUID.randomUUID().toString())
                        .autoScalingGroupName(t.groupName())
                        .autoScalingGroupARN(t.groupArn())
                        .description("Terminating EC2 instance: " + id)
                        .cause("At " + now + " instance " + id + " was taken out of service in response to a user request"
                                + shrink + ".")
                        .startTime(now)
                        .statusCode(ScalingActivityStatusCode.IN_PROGRESS)
                        .progress(0)
                        .details("{\"Availability Zone\":\"" + ZONE + "\"}")
                        .build())
                .build();
    }

    @Override
    public CompleteLifecycleActionResponse completeLifecycleAction(CompleteLifecycleActionRequest request) {
        fleet.complete(required(request.autoScalingGroupName(), "autoScalingGroupName"),
                required(request.lifecycleHookName(), "lifecycleHookName"),
                request.lifecycleActionToken(), request.instanceId(),
                required(request.lifecycleActionResult(), "lifecycleActionResult"));
        return CompleteLifecycleActionResponse.builder().build();
    }

    @Override
    public RecordLifecycleActionHeartbeatResponse recordLifecycleActionHeartbeat(RecordLifecycleActionHeartbeatRequest request) {
        fleet.heartbeat(required(request.autoScalingGroupName(), "autoScalingGroupName"),
                required(request.lifecycleHookName(), "lifecycleHookName"),
                request.lifecycleActionToken(), request.instanceId());
        return RecordLifecycleActionHeartbeatResponse.builder().build();
    }

    // ---- local controls

    /** Sets the group's desired capacity, as SetDesiredCapacity does (within MinSize and MaxSize). */
    public void scale(String group, int desired) {
        fleet.setDesired(group, desired);
    }

    /** The group's instances that are not yet terminated, warm pool included, in launch order. */
    public List<InstanceView> instances(String group) {
        return fleet.group(group).members().stream().map(m -> new InstanceView(m.id(), m.state(), m.root())).toList();
    }

    /**
     * Waits until the group has exactly its desired capacity InService, a full warm pool
     * ({@code Warmed:Stopped}) and nothing else; false when that takes longer than {@code timeout}.
     */
    public boolean awaitSteady(String group, Duration timeout) {
        return fleet.awaitSteady(group, timeout);
    }

    /** Launches, abandons, terminations and timeouts so far, over every group. */
    public Counters counters() {
        return fleet.counters();
    }

    @Override
    public String serviceName() {
        return SERVICE_NAME;
    }

    /**
     * Stops every timer and transition; instances stay as they are in {@link Instances} (running
     * ones keep running). Further calls fail with {@link IllegalStateException}.
     */
    @Override
    public void close() {
        fleet.close();
    }

    // ---- model mapping

    private static AutoScalingGroup group(Fleet.GroupView g, boolean withInstances) {
        AutoScalingGroup.Builder b = AutoScalingGroup.builder()
                .autoScalingGroupName(g.spec().name())
                .autoScalingGroupARN(g.arn())
                .minSize(g.minSize())
                .maxSize(g.maxSize())
                .desiredCapacity(g.desired())
                .defaultCooldown(300)
                .availabilityZones(ZONE)
                .healthCheckType("EC2")
                .healthCheckGracePeriod(0)
                .createdTime(g.createdTime())
                .terminationPolicies("Default")
                .newInstancesProtectedFromScaleIn(false)
                .serviceLinkedRoleARN(SERVICE_LINKED_ROLE)
                .capacityRebalance(false);
        if (withInstances) {
            // Warmed instances belong to DescribeWarmPool, not to the group's Instances.
            b.instances(g.members().stream().filter(m -> !warmed(m)).map(LocalAutoScaling::instance).toList());
        }
        if (g.spec().warmPoolMinSize() > 0) {
            b.warmPoolConfiguration(warmPool(g)).warmPoolSize((int) g.members().stream().filter(LocalAutoScaling::warmed).count());
        }
        return b.build();
    }

    private static WarmPoolConfiguration warmPool(Fleet.GroupView g) {
        return WarmPoolConfiguration.builder().minSize(g.spec().warmPoolMinSize()).poolState(WarmPoolState.STOPPED).build();
    }

    private static Instance instance(Fleet.MemberView m) {
        return Instance.builder()
                .instanceId(m.id())
                .instanceType(INSTANCE_TYPE)
                .availabilityZone(ZONE)
                .lifecycleState(m.state())
                .healthStatus("Healthy")
                .protectedFromScaleIn(false)
                .build();
    }

    private static boolean warmed(Fleet.MemberView m) {
        return m.state().toString().startsWith("Warmed:");
    }

    // ---- request validation

    private static <T> T required(T value, String member) {
        if (value == null) {
            throw AutoScalingErrors.validation("1 validation error detected: Value null at '" + member
                    + "' failed to satisfy constraint: Member must not be null");
        }
        return value;
    }

    private static void requireAtMost(Collection<?> values, int max, String member) {
        if (values.size() > max) {
            throw AutoScalingErrors.validation("1 validation error detected: Value at '" + member
                    + "' failed to satisfy constraint: Member must have length less than or equal to " + max);
        }
    }

    private static void refuseUnsupportedFields(SdkPojo request, Set<String> supported, String operation) {
        for (SdkField<?> field : request.sdkFields()) {
            Object value = field.getValueOrDefault(request);
            boolean set = value != null && !(value instanceof Collection<?> c && c.isEmpty())
                    && !(value instanceof Map<?, ?> m && m.isEmpty());
            if (set && !supported.contains(field.memberName())) {
                throw AutoScalingErrors.validation(operation + " " + field.memberName() + " is not supported by localcloud; "
                        + "supported: " + supported);
            }
        }
    }
}
