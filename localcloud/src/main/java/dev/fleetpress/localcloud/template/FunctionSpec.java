package dev.fleetpress.localcloud.template;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A Lambda function as template.yaml defines it, Globals applied and intrinsics resolved for the
 * local stack: everything localcloud needs to construct, invoke and route to its handler.
 *
 * @param logicalId     the resource's logical id
 * @param functionName  {@code FunctionName} when set, else the logical id
 * @param handlerClass  the class before {@code ::} in {@code Handler}
 * @param handlerMethod the method after {@code ::} ({@code handleRequest} when omitted)
 * @param environment   Globals' variables merged with the function's (the function wins), as strings
 * @param timeout       {@code Timeout} (Lambda's default 3 s when unset)
 * @param memorySizeMb  {@code MemorySize} (Lambda's default 128 MB when unset)
 * @param asyncInvoke   retries of asynchronous invocations ({@code EventInvokeConfig}, Lambda's defaults when unset)
 */
public record FunctionSpec(String logicalId, String functionName, String handlerClass, String handlerMethod,
                           Map<String, String> environment, Duration timeout, int memorySizeMb,
                           List<HttpApiRoute> httpRoutes, List<EventRule> eventRules, List<S3Trigger> s3Triggers,
                           List<ScheduleTrigger> schedules, List<SqsTrigger> sqsTriggers, List<PolicyStatement> policyStatements,
                           RetryPolicy asyncInvoke) {
    public FunctionSpec {
        environment = Map.copyOf(environment);
        httpRoutes = List.copyOf(httpRoutes);
        eventRules = List.copyOf(eventRules);
        s3Triggers = List.copyOf(s3Triggers);
        schedules = List.copyOf(schedules);
        sqsTriggers = List.copyOf(sqsTriggers);
        policyStatements = List.copyOf(policyStatements);
    }
}
