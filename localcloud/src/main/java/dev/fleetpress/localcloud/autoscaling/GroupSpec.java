package dev.fleetpress.localcloud.autoscaling;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An Auto Scaling group as localcloud runs it: its name, its lifecycle hooks and its warm pool.
 * Every group starts empty (desired capacity 0, min 0, max {@link Settings#maxSize()}).
 *
 * @param warmPoolMinSize the warm pool's MinSize; 0 means the group has no warm pool
 */
public record GroupSpec(String name, List<HookSpec> hooks, int warmPoolMinSize) {
    public GroupSpec {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an Auto Scaling group needs a name");
        }
        hooks = List.copyOf(hooks);
        Set<String> names = new HashSet<>();
        for (HookSpec hook : hooks) {
            if (!names.add(hook.name())) {
                throw new IllegalArgumentException("group " + name + " has two lifecycle hooks named " + hook.name());
            }
        }
        if (warmPoolMinSize < 0) {
            throw new IllegalArgumentException("group " + name + ": warm pool MinSize must be >= 0, got " + warmPoolMinSize);
        }
    }

    /** The hooks run on {@code transition}, in declaration order. */
    List<HookSpec> hooks(String transition) {
        return hooks.stream().filter(h -> h.transition().equals(transition)).toList();
    }
}
