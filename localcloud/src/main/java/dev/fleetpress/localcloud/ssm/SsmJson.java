package dev.fleetpress.localcloud.ssm;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;
import software.amazon.awssdk.core.util.SdkAutoConstructList;
import software.amazon.awssdk.core.util.SdkAutoConstructMap;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * SSM's AWS JSON 1.1 bodies read into and written from the SDK's own model objects through their
 * field metadata: each member under the name the wire uses ({@link SdkField#locationName()}, the
 * PascalCase of the API model), timestamps as epoch seconds, nested structures, lists and maps as
 * the model declares them. The wire format is therefore the one SDK clients and the aws CLI expect,
 * member for member, with no hand-kept list of field names.
 *
 * <p>Reading is strict about types (a string where a number belongs is a {@link JsonException}) and
 * ignores members the model does not have. Unset members are left out when writing.
 */
final class SsmJson {
    private SsmJson() {
    }

    /** Fills {@code builder} (a model object's builder) from the JSON object {@code in} and builds it. */
    static Object read(Json.Node in, SdkPojo builder) {
        if (!in.isObject()) {
            throw new JsonException(in.path() + " is not an object");
        }
        for (SdkField<?> field : builder.sdkFields()) {
            in.find(field.locationName()).ifPresent(value -> field.set(builder, value(field, value)));
        }
        return ((SdkBuilder<?, ?>) builder).build();
    }

    /** The members of {@code pojo} that are set, as maps, lists and scalars for {@link Json#write(Object)}. */
    static Map<String, Object> write(SdkPojo pojo) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (SdkField<?> field : pojo.sdkFields()) {
            Object value = field.getValueOrDefault(pojo);
            if (value != null && !(value instanceof SdkAutoConstructList) && !(value instanceof SdkAutoConstructMap)) {
                out.put(field.locationName(), json(field, value));
            }
        }
        return out;
    }

    private static Object value(SdkField<?> field, Json.Node node) {
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.STRING) {
            if (!node.isString()) {
                throw new JsonException(node.path() + " is not a string");
            }
            return node.asText();
        }
        if (type == MarshallingType.INTEGER) {
            try {
                return Math.toIntExact(number(node).longValueExact());
            } catch (ArithmeticException e) {
                throw new JsonException(node.path() + " is not a whole number in the range of an int");
            }
        }
        if (type == MarshallingType.LONG) {
            try {
                return number(node).longValueExact();
            } catch (ArithmeticException e) {
                throw new JsonException(node.path() + " is not a whole number");
            }
        }
        if (type == MarshallingType.BOOLEAN) {
            return node.asBoolean();
        }
        if (type == MarshallingType.INSTANT) {
            BigDecimal seconds = number(node);
            return Instant.ofEpochMilli(seconds.movePointRight(3).longValue());
        }
        if (type == MarshallingType.LIST) {
            SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
            List<Object> out = new ArrayList<>();
            for (Json.Node element : node.elements()) {
                out.add(value(member, element));
            }
            return out;
        }
        if (type == MarshallingType.MAP) {
            SdkField<?> member = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> out = new LinkedHashMap<>();
            node.fields().forEach((key, element) -> out.put(key, value(member, element)));
            return out;
        }
        if (type == MarshallingType.SDK_POJO) {
            return read(node, field.constructor().get());
        }
        throw new JsonException(node.path() + " has a type (" + type + ") localcloud's SSM endpoint does not read");
    }

    private static Object json(SdkField<?> field, Object value) {
        MarshallingType<?> type = field.marshallingType();
        if (type == MarshallingType.INSTANT) {
            // BigDecimal keeps epoch seconds with milliseconds out of exponent notation.
            return BigDecimal.valueOf(((Instant) value).toEpochMilli()).movePointLeft(3);
        }
        if (type == MarshallingType.LIST) {
            SdkField<?> member = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
            return ((List<?>) value).stream().map(v -> json(member, v)).toList();
        }
        if (type == MarshallingType.MAP) {
            SdkField<?> member = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<?, ?>) value).forEach((k, v) -> out.put(String.valueOf(k), json(member, v)));
            return out;
        }
        if (type == MarshallingType.SDK_POJO) {
            return write((SdkPojo) value);
        }
        return value;
    }

    private static BigDecimal number(Json.Node node) {
        if (node.isString() || node.isObject() || node.isArray()) {
            throw new JsonException(node.path() + " is not a number");
        }
        try {
            return new BigDecimal(node.asText());
        } catch (NumberFormatException e) {
            throw new JsonException(node.path() + " is not a number");
        }
    }
}
