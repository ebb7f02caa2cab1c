package dev.fleetpress.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MediaEventsTest {
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "photo+one.jpg|photo one.jpg",
            "c%2B%2B.jpg|c++.jpg",
            "%C3%A9t%C3%A9+%E5%86%99%E7%9C%9F.jpg|été 写真.jpg",
            "plain/path.jpg|plain/path.jpg"})
    void decode_whenFormEncoded_givesKey(String encoded, String key) {
        assertThat(MediaEvents.decode(encoded)).isEqualTo(key);
    }

    @Test
    void parse_whenShardKey_givesMigrationAndShard() {
        assertThat(MigrationKeys.parse("_migration/m-2026-demo/shard-00042.tar"))
                .contains(new MigrationKeys.Shard("m-2026-demo", 42));
    }

    @Test
    void parse_whenShardZeroOrOtherFile_givesNothing() {
        assertThat(MigrationKeys.parse("_migration/m-2026-demo/shard-00000.tar")).isEmpty();
        assertThat(MigrationKeys.parse("_migration/m-2026-demo/shard-00001.json")).isEmpty();
        assertThat(MigrationKeys.parse("_migration/M-BAD/migration.json")).isEmpty();
    }
}
