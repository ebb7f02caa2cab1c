package dev.fleetpress.webhook;

import dev.fleetpress.json.Json;
import java.util.Map;

/**
 * Reads one provider's verified delivery. Implementations throw {@link InvalidDeliveryException} or
 * {@link dev.fleetpress.json.JsonException} (both one-line reasons) when a header or field is missing or
 * invalid; they never start anything.
 */
public interface PushParser {
    /**
     * @param headers the request headers, names in lower case
     * @param body    the parsed JSON body, whose signature has been verified
     */
    Delivery parse(Map<String, String> headers, Json.Node body);
}
