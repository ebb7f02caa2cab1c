package dev.fleetpress.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FleetGroupsTest {
    @Test
    void parse_whenPairs_mapsEachGroupToItsEnvironment() {
        FleetGroups groups = FleetGroups.parse("production=fleetpress-production, staging=fleetpress-staging");

        assertThat(groups.environmentOf("fleetpress-staging")).contains("staging");
        assertThat(groups.environmentOf("someone-elses-web")).isEmpty();
        assertThat(groups.groups()).containsExactly("fleetpress-production", "fleetpress-staging");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "production", "Production=web", "production=web,staging=web", "production=a,production=b",
            "production=we b"})
    void parse_whenMalformed_throws(String spec) {
        assertThatThrownBy(() -> FleetGroups.parse(spec)).isInstanceOf(IllegalArgumentException.class);
    }
}
