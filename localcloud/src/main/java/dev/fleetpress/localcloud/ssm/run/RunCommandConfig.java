package dev.fleetpress.localcloud.ssm.run;

import dev.fleetpress.localcloud.ec2.Instances;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * How localcloud's Run Command behaves: which instances and documents it knows, where its EventBridge
 * events go, what environment commands get, and the timings that make it behave like the real
 * service (agent registration after launch, invocations not visible right after SendCommand).
 *
 * @param instances the EC2 registry whose sandboxes commands run in
 * @param documents the Command documents, usually {@link CommandDocument#fromTemplate}
 * @param events receives each EventBridge event as JSON; best effort, its failures are ignored
 * @param environment added to every command's environment (endpoints, credentials, region); nothing
 *     else of the host reaches a command but {@code PATH}
 * @param agentRegistration how long after launch an instance's SSM agent is registered; before that
 *     SendCommand answers {@code InvalidInstanceId}, as on AWS
 * @param maxParallelExecutions how many invocations run at once; the rest wait as Pending
 * @param invocationVisibleAfter how long after SendCommand GetCommandInvocation still answers
 *     {@code InvocationDoesNotExist}, as AWS sometimes does; zero makes invocations visible at once
 */
public record RunCommandConfig(Instances instances, List<CommandDocument> documents, Consumer<String> events,
                               Map<String, String> environment, Duration agentRegistration, int maxParallelExecutions,
                               Duration invocationVisibleAfter) {
    public static final Duration DEFAULT_AGENT_REGISTRATION = Duration.ofSeconds(2);
    public static final int DEFAULT_MAX_PARALLEL = 8;

    public RunCommandConfig {
        Objects.requireNonNull(instances, "instances");
        documents = List.copyOf(documents);
        Objects.requireNonNull(events, "events");
        environment = Map.copyOf(environment);
        requireNotNegative(agentRegistration, "agentRegistration");
        requireNotNegative(invocationVisibleAfter, "invocationVisibleAfter");
        if (maxParallelExecutions < 1) {
            throw new IllegalArgumentException("maxParallelExecutions must be at least 1, got " + maxParallelExecutions);
        }
        Set<String> names = new HashSet<>();
        for (CommandDocument d : documents) {
            if (!names.add(d.name())) {
                throw new IllegalArgumentException("two documents are named " + d.name());
            }
        }
    }

    /** The defaults: agents register 2 s after launch, 8 parallel executions, invocations visible at once. */
    public static RunCommandConfig of(Instances instances, List<CommandDocument> documents, Consumer<String> events,
            Map<String, String> environment) {
        return new RunCommandConfig(instances, documents, events, environment, DEFAULT_AGENT_REGISTRATION,
                DEFAULT_MAX_PARALLEL, Duration.ZERO);
    }

    public RunCommandConfig withAgentRegistration(Duration delay) {
        return new RunCommandConfig(instances, documents, events, environment, delay, maxParallelExecutions,
                invocationVisibleAfter);
    }

    public RunCommandConfig withMaxParallelExecutions(int max) {
        return new RunCommandConfig(instances, documents, events, environment, agentRegistration, max,
                invocationVisibleAfter);
    }

    public RunCommandConfig withInvocationVisibleAfter(Duration delay) {
        return new RunCommandConfig(instances, documents, events, environment, agentRegistration,
                maxParallelExecutions, delay);
    }

    private static void requireNotNegative(Duration d, String name) {
        if (Objects.requireNonNull(d, name).isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
    }
}
