package dev.fleetpress.localcloud.autoscaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.template.StackContext;
import dev.fleetpress.localcloud.template.Template;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FromTemplateTest {
    private static final Path TEMPLATE = Path.of(System.getProperty("fleetpress.root", ".."), "template.yaml");

    private static List<GroupSpec> groups(String warmPoolSize) {
        return LocalAutoScaling.fromTemplate(Template.load(TEMPLATE,
                StackContext.local(Map.of("SourceLocation", "x", "ProductionWarmPoolSize", warmPoolSize))));
    }

    private static GroupSpec group(List<GroupSpec> groups, String name) {
        return groups.stream().filter(g -> g.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void fromTemplate_whenProductionWarmPoolSizeIsTwo_givesProductionHooksAndWarmPoolOfTwo() {
        GroupSpec production = group(groups("2"), "fleetpress-production");

        assertThat(production.warmPoolMinSize()).isEqualTo(2);
        assertThat(production.hooks()).containsExactly(
                new HookSpec("fleetpress-launch", HookSpec.LAUNCHING, Duration.ofSeconds(300), HookSpec.ABANDON,
                        "{\"environment\":\"production\"}"),
                new HookSpec("fleetpress-drain", HookSpec.TERMINATING, Duration.ofSeconds(300), HookSpec.CONTINUE,
                        "{\"environment\":\"production\"}"));
    }

    @Test
    void fromTemplate_whenWarmPoolSizeIsZero_givesBothGroupsWithoutWarmPools() {
        List<GroupSpec> groups = groups("0");

        assertThat(groups).extracting(GroupSpec::name).containsExactly("fleetpress-production", "fleetpress-staging");
        assertThat(groups).extracting(GroupSpec::warmPoolMinSize).containsOnly(0);
    }

    @Test
    void fromTemplate_whenHookOmitsTimeoutAndResult_appliesAwsDefaults() {
        Template template = Template.parse("""
                Resources:
                  Hook:
                    Type: AWS::AutoScaling::LifecycleHook
                    Properties:
                      AutoScalingGroupName: g
                      LifecycleHookName: h
                      LifecycleTransition: autoscaling:EC2_INSTANCE_LAUNCHING
                """, StackContext.local());

        assertThat(LocalAutoScaling.fromTemplate(template)).containsExactly(new GroupSpec("g",
                List.of(new HookSpec("h", HookSpec.LAUNCHING, Duration.ofSeconds(3600), HookSpec.ABANDON, "")), 0));
    }

    @Test
    void fromTemplate_whenOnlyAWarmPoolNamesAGroup_givesThatGroupWithoutHooks() {
        Template template = Template.parse("""
                Resources:
                  Pool:
                    Type: AWS::AutoScaling::WarmPool
                    Properties:
                      AutoScalingGroupName: g
                      MinSize: 3
                """, StackContext.local());

        assertThat(LocalAutoScaling.fromTemplate(template)).containsExactly(new GroupSpec("g", List.of(), 3));
    }
}
