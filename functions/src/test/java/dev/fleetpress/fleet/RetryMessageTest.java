package dev.fleetpress.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryMessageTest {
    private static final String TOKEN = "5d3f1b2a-7c4e-4f6a-9b8d-0e1f2a3b4c5d";
    private static final RetryMessage MESSAGE = new RetryMessage(TOKEN,
            new LifecycleAction("i-0a1b2c3d4e5f60718", "fleetpress-production", "fleetpress-launch", Phase.WARM_POOL_LEAVE,
                    TOKEN, "production"), "r-3f2a9c41d07b", 2, Instant.parse("2026-11-27T15:34:05Z"));

    @Test
    void fromJson_whenWrittenByToJson_readsTheSameMessage() {
        assertThat(RetryMessage.fromJson(MESSAGE.toJson())).isEqualTo(MESSAGE);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"instanceId\":\"i-0a1b2c3d4e5f60718\"|\"instanceId\":\"i-0a1b/../x\"",
            "\"environment\":\"production\"|\"environment\":\"../prod\"",
            "\"release\":\"r-3f2a9c41d07b\"|\"release\":\"r-3f2a9c41d07b; rm -rf /\"",
            "\"phase\":\"warm-pool-leave\"|\"phase\":\"terminate\"",
            "\"attempt\":2|\"attempt\":0",
            "\"kind\":\"fleetpress.agent-retry\"|\"kind\":\"something-else\""})
    void fromJson_whenFieldIsHostile_throws(String original, String hostile) {
        String json = MESSAGE.toJson();
        assertThat(json).contains(original);

        assertThatThrownBy(() -> RetryMessage.fromJson(json.replace(original, hostile)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
