package dev.fleetpress.localcloud.autoscaling;

import dev.fleetpress.localcloud.template.Template;
import dev.fleetpress.localcloud.template.TemplateException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the groups localcloud runs from template.yaml: every {@code AWS::AutoScaling::LifecycleHook}
 * and every {@code AWS::AutoScaling::WarmPool} that exists in the stack (the template leaves out
 * resources whose Condition is false), grouped by AutoScalingGroupName in template order.
 */
final class TemplateGroups {
    private static final String HOOK = "AWS::AutoScaling::LifecycleHook";
    private static final String WARM_POOL = "AWS::AutoScaling::WarmPool";

    private TemplateGroups() {
    }

    static List<GroupSpec> read(Template template) {
        Map<String, List<HookSpec>> hooks = new LinkedHashMap<>();
        Map<String, Integer> pools = new LinkedHashMap<>();
        for (String id : template.resourcesOfType(HOOK)) {
            Map<String, Object> p = template.resolvedProperties(id);
            String group = required(p, "AutoScalingGroupName", id);
            // Without a LifecycleHookName CloudFormation generates one; the logical id stands in for it.
            String name = optional(p, "LifecycleHookName", id);
            HookSpec hook = new HookSpec(name, required(p, "LifecycleTransition", id),
                    Duration.ofSeconds(Long.parseLong(optional(p, "HeartbeatTimeout", "3600"))),
                    optional(p, "DefaultResult", HookSpec.ABANDON),
                    optional(p, "NotificationMetadata", ""));
            hooks.computeIfAbsent(group, g -> new ArrayList<>()).add(hook);
        }
        for (String id : template.resourcesOfType(WARM_POOL)) {
            Map<String, Object> p = template.resolvedProperties(id);
            String state = optional(p, "PoolState", "Stopped");
            if (!state.equals("Stopped")) {
                throw new TemplateException(id + ".PoolState is " + state + "; localcloud models Stopped warm pools only");
            }
            String group = required(p, "AutoScalingGroupName", id);
            if (pools.put(group, Integer.parseInt(optional(p, "MinSize", "0"))) != null) {
                throw new TemplateException("group " + group + " has more than one AWS::AutoScaling::WarmPool");
            }
            hooks.putIfAbsent(group, new ArrayList<>());
        }
        List<GroupSpec> groups = new ArrayList<>();
        hooks.forEach((group, declared) -> groups.add(new GroupSpec(group, declared, pools.getOrDefault(group, 0))));
        return List.copyOf(groups);
    }

    private static String required(Map<String, Object> properties, String name, String logicalId) {
        Object value = properties.get(name);
        if (value == null) {
            throw new TemplateException(logicalId + " has no " + name);
        }
        return String.valueOf(value);
    }

    private static String optional(Map<String, Object> properties, String name, String fallback) {
        Object value = properties.get(name);
        return value == null ? fallback : String.valueOf(value);
    }
}
