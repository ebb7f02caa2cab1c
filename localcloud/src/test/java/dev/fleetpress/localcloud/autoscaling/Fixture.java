package dev.fleetpress.localcloud.autoscaling;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.ec2.Instances;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/** A LocalAutoScaling over sandboxes in a temporary folder, with FleetPress's two hooks on group "web". */
final class Fixture implements AutoCloseable {
    static final String GROUP = "web";
    static final String LAUNCH_HOOK = "fleetpress-launch";
    static final String DRAIN_HOOK = "fleetpress-drain";
    static final Duration PATIENCE = Duration.ofSeconds(10);

    final Instances instances;
    final EventLog events = new EventLog();
    final LocalAutoScaling asg;

    Fixture(Path dir, List<GroupSpec> groups, Settings settings) {
        this.instances = Instances.create(dir, Clock.systemUTC());
        this.asg = LocalAutoScaling.create(instances, events, groups, settings);
    }

    /** Group "web" with a launch hook (default {@code launchDefault}) and a drain hook, no warm pool. */
    static Fixture web(Path dir, String launchDefault, Settings settings) {
        return new Fixture(dir, List.of(new GroupSpec(GROUP, hooks(launchDefault), 0)), settings);
    }

    static Fixture web(Path dir) {
        return web(dir, HookSpec.ABANDON, quick());
    }

    static List<HookSpec> hooks(String launchDefault) {
        return List.of(
                new HookSpec(LAUNCH_HOOK, HookSpec.LAUNCHING, Duration.ofSeconds(300), launchDefault, "{\"environment\":\"test\"}"),
                new HookSpec(DRAIN_HOOK, HookSpec.TERMINATING, Duration.ofSeconds(300), HookSpec.CONTINUE, ""));
    }

    /** Hooks' own (long) timeouts, and a replacement launch without waiting after an abandon. */
    static Settings quick() {
        return Settings.defaults().withFailedLaunchBackoff(Duration.ZERO);
    }

    /** Completes the action an event announced, by its token. */
    void complete(Json.Node event, String result) {
        asg.completeLifecycleAction(b -> b
                .autoScalingGroupName(event.text("detail", "AutoScalingGroupName"))
                .lifecycleHookName(event.text("detail", "LifecycleHookName"))
                .lifecycleActionToken(event.text("detail", "LifecycleActionToken"))
                .lifecycleActionResult(result));
    }

    @Override
    public void close() {
        asg.close();
    }
}
