package dev.fleetpress.localcloud.autoscaling;

import dev.fleetpress.localcloud.ec2.Instances;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

/** An instance of a group (or of its warm pool) while Auto Scaling manages it. Guarded by {@link Fleet}'s lock. */
final class Member {
    final Instances.Instance instance;
    final Group group;
    LifecycleState state;
    /** Where the instance comes from in its launch event: {@code EC2} or {@code WarmPool}. */
    String origin;
    /** The actions of the wait the instance is in, one per hook of the transition. */
    final List<Action> actions = new ArrayList<>();

    Member(Instances.Instance instance, Group group, LifecycleState state, String origin) {
        this.instance = instance;
        this.group = group;
        this.state = state;
        this.origin = origin;
    }

    String id() {
        return instance.id();
    }

    /** In the warm pool (every {@code Warmed:*} state), as opposed to the group itself. */
    boolean warmed() {
        return state.toString().startsWith("Warmed:");
    }

    /** Counts toward the group's desired capacity: launching into the group or in service. */
    boolean inGroup() {
        return state == LifecycleState.PENDING || state == LifecycleState.PENDING_WAIT
                || state == LifecycleState.PENDING_PROCEED || state == LifecycleState.IN_SERVICE;
    }

    /** Counts toward the warm pool's size: being warmed or warmed. */
    boolean inPool() {
        return state == LifecycleState.WARMED_PENDING || state == LifecycleState.WARMED_PENDING_WAIT
                || state == LifecycleState.WARMED_PENDING_PROCEED || state == LifecycleState.WARMED_STOPPED;
    }
}
