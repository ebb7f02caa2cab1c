package dev.fleetpress.localcloud.ssm.run;

import dev.fleetpress.localcloud.ec2.Instances.Instance;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import software.amazon.awssdk.services.ssm.model.Target;

/**
 * SendCommand's {@code Targets}, resolved as AWS resolves them when the command is sent:
 * {@code Key=tag:aws:autoscaling:groupName} (the tag Auto Scaling puts on the instances it launches;
 * values are group names) and {@code Key=InstanceIds} (values are ids, or {@code *} for every
 * managed instance). Several tag targets must all match; InstanceIds stands alone. Only managed
 * instances are included (running, with a registered agent); the others are skipped without an
 * error, unlike with SendCommand's own InstanceIds.
 *
 * <p>localcloud's instances carry no other tag, so any other tag key answers a ValidationException
 * that says so, as do the keys localcloud does not implement ({@code tag-key}, resource groups).
 */
final class TargetSelector {
    static final String GROUP_TAG = "aws:autoscaling:groupName";
    private static final String TAG_PREFIX = "tag:";
    private static final String INSTANCE_IDS = "InstanceIds";
    private static final int MAX_TARGETS = 5;
    private static final int MAX_VALUES = 50;
    private static final int MAX_KEY_LENGTH = 163;

    private TargetSelector() {
    }

    /**
     * The managed instances {@code targets} select among {@code all} (launch order for tags, the
     * order given for InstanceIds), each once.
     */
    static List<Instance> resolve(List<Target> targets, List<Instance> all, Predicate<Instance> managed) {
        if (targets.size() > MAX_TARGETS) {
            throw RunErrors.validation("1 validation error detected: Value at 'targets' failed to satisfy constraint: "
                    + "Member must have length less than or equal to " + MAX_TARGETS);
        }
        for (Target target : targets) {
            check(target);
        }
        if (targets.stream().anyMatch(t -> t.key().equals(INSTANCE_IDS))) {
            if (targets.size() > 1) {
                throw RunErrors.validation("Targets must be specified in one of the following formats: 1) 1 target with "
                        + "\"Key=InstanceIds\" and \"Values=\" a list of up to 50 instance IDs, or 2) up to 5 targets, "
                        + "each \"Key=tag:<key>,Values=<tag_values>\"");
            }
            return byId(targets.get(0).values(), all, managed);
        }
        List<Instance> out = new ArrayList<>();
        for (Instance instance : all) {
            boolean inEveryGroup = targets.stream().allMatch(t -> t.values().contains(instance.groupName()));
            if (inEveryGroup && managed.test(instance)) {
                out.add(instance);
            }
        }
        return out;
    }

    private static void check(Target target) {
        String key = target.key();
        if (key == null || key.isEmpty() || key.length() > MAX_KEY_LENGTH) {
            throw RunErrors.validation("1 validation error detected: Value at 'targets.member.key' failed to satisfy "
                    + "constraint: Member must have length less than or equal to " + MAX_KEY_LENGTH
                    + " and greater than or equal to 1");
        }
        if (!target.hasValues() || target.values().isEmpty() || target.values().size() > MAX_VALUES) {
            throw RunErrors.validation("Target " + key + " must have between 1 and " + MAX_VALUES + " values");
        }
        if (key.equals(INSTANCE_IDS) || key.equals(TAG_PREFIX + GROUP_TAG)) {
            return;
        }
        if (key.startsWith(TAG_PREFIX)) {
            throw RunErrors.validation("localcloud's instances carry only the " + GROUP_TAG + " tag (Auto Scaling's), so "
                    + key + " would match nothing: target Key=tag:" + GROUP_TAG + " (group names) or Key=InstanceIds");
        }
        throw RunErrors.validation("Target key " + key + " is not supported by localcloud's Run Command: use Key=tag:"
                + GROUP_TAG + " (group names) or Key=InstanceIds");
    }

    private static List<Instance> byId(List<String> ids, List<Instance> all, Predicate<Instance> managed) {
        Map<String, Instance> known = new LinkedHashMap<>();
        all.forEach(i -> known.put(i.id(), i));
        List<String> wanted = ids.contains("*") ? List.copyOf(known.keySet()) : ids;
        List<Instance> out = new ArrayList<>();
        for (String id : wanted.stream().distinct().toList()) {
            Instance instance = known.get(id);
            if (instance != null && managed.test(instance)) {
                out.add(instance);
            }
        }
        return out;
    }
}
