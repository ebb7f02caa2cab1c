package dev.fleetpress.localcloud.template;

import java.util.Map;
import java.util.Objects;

/**
 * The stack that localcloud pretends to have deployed: the values of the pseudo parameters
 * ({@code AWS::StackName}, {@code AWS::Region}, {@code AWS::AccountId}, {@code AWS::Partition}) and
 * the parameter overrides a {@code sam deploy --parameter-overrides} would pass.
 */
public record StackContext(String stackName, String region, String accountId, String partition,
                           Map<String, String> parameterOverrides) {

    public StackContext {
        Objects.requireNonNull(stackName, "stackName");
        Objects.requireNonNull(region, "region");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(partition, "partition");
        parameterOverrides = Map.copyOf(parameterOverrides);
    }

    /** The local stack: {@code fleetpress-local} in {@code us-east-1}, account {@code 000000000000}. */
    public static StackContext local() {
        return local(Map.of());
    }

    /** The local stack with parameter overrides (for parameters without a Default, such as SourceLocation). */
    public static StackContext local(Map<String, String> parameterOverrides) {
        return new StackContext("fleetpress-local", "us-east-1", "000000000000", "aws", parameterOverrides);
    }

    /** The DNS suffix of the partition, the value of {@code AWS::URLSuffix}. */
    public String urlSuffix() {
        return switch (partition) {
            case "aws-cn" -> "amazonaws.com.cn";
            default -> "amazonaws.com";
        };
    }
}
