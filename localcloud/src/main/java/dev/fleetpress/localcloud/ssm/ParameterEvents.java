package dev.fleetpress.localcloud.ssm;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;

/**
 * Parameter Store's EventBridge event, {@code Parameter Store Change} from {@code aws.ssm}, in the
 * shape AWS sends it: the parameter's ARN as the one resource (the name without its leading slash
 * after {@code parameter/}), and in {@code detail} the operation ({@code Create}, {@code Update},
 * {@code Delete}, {@code LabelParameterVersion}), the name as given (leading slash included), its type
 * and its description ({@code ""} when it has none). Never the value: a SecureString's plaintext or
 * ciphertext must not travel in events.
 */
final class ParameterEvents {
    static final String CREATE = "Create";
    static final String UPDATE = "Update";
    static final String DELETE = "Delete";
    static final String LABEL = "LabelParameterVersion";

    private ParameterEvents() {
    }

    static String change(String operation, String name, String type, String description, Instant now) {
        return Json.write(Json.object(
                "version", "0",
                "id", UUID.randomUUID().toString(),
                "detail-type", "Parameter Store Change",
                "source", "aws.ssm",
                "account", LocalSsm.ACCOUNT,
                "time", now.truncatedTo(ChronoUnit.SECONDS).toString(),
                "region", LocalSsm.REGION,
                "resources", List.of(LocalSsm.arn(name)),
                "detail", Json.object(
                        "operation", operation,
                        "name", name,
                        "type", type,
                        "description", description == null ? "" : description)));
    }
}
