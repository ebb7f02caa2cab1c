package dev.fleetpress.json;

/** Input that is not the JSON we expect; the message is one line that says what and where. */
public final class JsonException extends IllegalArgumentException {
    public JsonException(String message) {
        super(message);
    }
}
