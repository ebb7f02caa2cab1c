package dev.fleetpress.localcloud.autoscaling;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

/** One group's capacity and members, in launch order. Guarded by {@link Fleet}'s lock. */
final class Group {
    final GroupSpec spec;
    final String arn;
    final Instant createdTime;
    int minSize;
    int maxSize;
    int desired;
    final Map<String, Member> members = new LinkedHashMap<>();
    /** Abandoned launches in a row; an instance that comes into service or into the pool resets it. */
    int failedLaunches;
    /** {@link System#nanoTime()} before which no instance is launched (the backoff after abandoned launches). */
    long launchNotBefore;
    boolean launchRetryScheduled;

    Group(GroupSpec spec, int maxSize, Instant createdTime) {
        this.spec = spec;
        this.arn = LifecycleEvents.groupArn(spec.name());
        this.maxSize = maxSize;
        this.createdTime = createdTime;
    }

    String name() {
        return spec.name();
    }

    long inGroup() {
        return members.values().stream().filter(Member::inGroup).count();
    }

    long inPool() {
        return members.values().stream().filter(Member::inPool).count();
    }

    long count(LifecycleState state) {
        return members.values().stream().filter(m -> m.state == state).count();
    }
}
