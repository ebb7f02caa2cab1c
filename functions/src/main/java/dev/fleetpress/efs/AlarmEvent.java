package dev.fleetpress.efs;

import dev.fleetpress.json.Json;
import dev.fleetpress.json.JsonException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The part of a {@code CloudWatch Alarm State Change} event FleetPress acts on.
 *
 * @param stateTimestamp when the alarm entered {@code state} ({@code detail.state.timestamp}): the order of
 *                       an alarm's events, since EventBridge may deliver them late, twice or out of order
 * @param fileSystemIds  every {@code FileSystemId} dimension in {@code detail.configuration.metrics}
 */
public record AlarmEvent(String alarmName, AlarmState state, Instant stateTimestamp, String reason,
                         List<String> fileSystemIds) {
    /** CloudWatch writes {@code 2026-11-27T20:00:00.000+0000}; ISO-8601 with a colon is accepted too. */
    private static final DateTimeFormatter CLOUDWATCH = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSZ");

    public AlarmEvent {
        Objects.requireNonNull(alarmName, "alarmName");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(stateTimestamp, "stateTimestamp");
        reason = reason == null ? "" : reason;
        fileSystemIds = List.copyOf(fileSystemIds);
    }

    /** Reads the event's {@code detail}; throws {@link IllegalArgumentException} (or JsonException) saying what is wrong. */
    public static AlarmEvent parse(Json.Node detail) {
        String name = detail.text("alarmName");
        AlarmState state = AlarmState.parse(detail.text("state", "value"));
        Instant timestamp = timestamp(detail.text("state", "timestamp"));
        String reason = detail.findText("state", "reason").orElse("");
        List<String> ids = new ArrayList<>();
        detail.find("configuration", "metrics").filter(Json.Node::isArray).ifPresent(metrics -> {
            for (Json.Node metric : metrics.elements()) {
                metric.findText("metricStat", "metric", "dimensions", "FileSystemId").ifPresent(ids::add);
            }
        });
        return new AlarmEvent(name, state, timestamp, reason, ids);
    }

    /** Parses CloudWatch's {@code +0000} timestamps (and ISO-8601 offsets). */
    public static Instant timestamp(String text) {
        try {
            return OffsetDateTime.parse(text, CLOUDWATCH).toInstant();
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException again) {
                throw new JsonException("alarm state timestamp '" + EfsIds.shorten(text)
                        + "' is not a timestamp such as 2026-11-27T20:00:00.000+0000");
            }
        }
    }
}
