package dev.fleetpress.localcloud.autoscaling;

import java.nio.file.Path;
import software.amazon.awssdk.services.autoscaling.model.LifecycleState;

/** An instance of a group as the demo and tests see it: its id, lifecycle state and sandbox root. */
public record InstanceView(String id, LifecycleState state, Path root) {
}
