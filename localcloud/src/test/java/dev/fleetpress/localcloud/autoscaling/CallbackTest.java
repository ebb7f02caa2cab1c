package dev.fleetpress.localcloud.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import dev.fleetpress.localcloud.ec2.Instances;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CallbackTest {
    @TempDir
    Path dir;

    @Test
    void scale_whenSinkCompletesEachActionInline_reachesSteadyInBothDirections() {
        AtomicReference<LocalAutoScaling> asg = new AtomicReference<>();
        // A sink that answers at once, on the delivering thread, as a synchronous target would.
        LocalAutoScaling created = LocalAutoScaling.create(Instances.create(dir, Clock.systemUTC()), event -> {
            Json.Node detail = Json.parse(event).get("detail");
            asg.get().completeLifecycleAction(b -> b.autoScalingGroupName(detail.text("AutoScalingGroupName"))
                    .lifecycleHookName(detail.text("LifecycleHookName"))
                    .lifecycleActionToken(detail.text("LifecycleActionToken"))
                    .lifecycleActionResult("CONTINUE"));
        }, List.of(new GroupSpec(Fixture.GROUP, Fixture.hooks(HookSpec.ABANDON), 1)), Fixture.quick());
        asg.set(created);
        try (created) {
            created.scale(Fixture.GROUP, 3);
            assertThat(created.awaitSteady(Fixture.GROUP, Fixture.PATIENCE)).isTrue();

            created.scale(Fixture.GROUP, 1);
            assertThat(created.awaitSteady(Fixture.GROUP, Fixture.PATIENCE)).isTrue();

            assertThat(created.counters().terminated()).isEqualTo(2);
        }
    }
}
