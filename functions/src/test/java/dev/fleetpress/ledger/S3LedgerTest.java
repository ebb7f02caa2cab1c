package dev.fleetpress.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.aws.S3Ledger;
import org.junit.jupiter.api.Test;

/**
 * How S3Ledger maps S3's answers, against a fake that answers like S3. Whether S3 (or localcloud's
 * S3) really enforces the conditions is for the localcloud integration tests to show.
 */
class S3LedgerTest {
    private final FakeS3 s3 = new FakeS3("releases-bucket");
    private final S3Ledger ledger = S3Ledger.create(s3, "releases-bucket", "releases/");

    @Test
    void createIfAbsent_whenKeyIsNew_writesUnderPrefix() {
        assertThat(ledger.createIfAbsent("r-0123456789ab/build.json", "{}")).isTrue();
        assertThat(s3.object("releases/r-0123456789ab/build.json")).asString().isEqualTo("{}");
    }

    @Test
    void createIfAbsent_whenS3Answers412_returnsFalse() {
        ledger.createIfAbsent("k.json", "first");

        assertThat(ledger.createIfAbsent("k.json", "second")).isFalse();
        assertThat(ledger.read("k.json")).contains("first");
    }

    @Test
    void createIfAbsent_whenS3Answers409_retriesAndDecides() {
        s3.conflictOnNextPuts(2);

        assertThat(ledger.createIfAbsent("k.json", "content")).isTrue();
        assertThat(s3.puts()).isEqualTo(3);
    }

    @Test
    void replace_whenEtagMatches_writes() {
        ledger.createIfAbsent("k.json", "first");
        String etag = ledger.readEntry("k.json").orElseThrow().version();

        assertThat(ledger.replace("k.json", etag, "second")).isTrue();
        assertThat(ledger.read("k.json")).contains("second");
    }

    @Test
    void replace_whenEtagIsStale_returnsFalse() {
        ledger.createIfAbsent("k.json", "first");
        String etag = ledger.readEntry("k.json").orElseThrow().version();
        ledger.replace("k.json", etag, "second");

        assertThat(ledger.replace("k.json", etag, "third")).isFalse();
    }

    @Test
    void replace_whenKeyVanished_returnsFalse() {
        assertThat(ledger.replace("k.json", "\"e1\"", "content")).isFalse();
    }

    @Test
    void read_whenKeyIsMissing_isEmpty() {
        assertThat(ledger.readEntry("missing.json")).isEmpty();
    }

    @Test
    void read_whenS3IsUnavailable_throwsLedgerExceptionNamingTheObject() {
        s3.unavailableOnNextCalls(1);

        assertThatThrownBy(() -> ledger.read("k.json"))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("s3://releases-bucket/releases/k.json");
    }

    @Test
    void read_whenObjectIsLargerThanARecord_refuses() {
        s3.putRaw("releases/big.json", new byte[1024 * 1024 + 1]);

        assertThatThrownBy(() -> ledger.read("big.json"))
                .isInstanceOf(LedgerException.class)
                .hasMessageContaining("larger than a ledger record");
    }

    @Test
    void create_whenPrefixLacksSlash_refuses() {
        assertThatThrownBy(() -> S3Ledger.create(s3, "releases-bucket", "releases"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("end with '/'");
    }
}
