package dev.fleetpress.localcloud.s3;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WriteConditionsTest {

    @Test
    void check_whenIfMatchQuotedAndStoredUnquoted_passes() {
        assertThat(new WriteConditions("\"abc\"", null).check("k", true, "abc")).isEmpty();
    }

    @Test
    void check_whenIfNoneMatchIsNotWildcard_answersNotImplemented() {
        assertThat(new WriteConditions(null, "\"abc\"").check("k", false, ""))
                .hasValueSatisfying(error -> assertThat(error.status()).isEqualTo(501));
    }

    @Test
    void check_whenNoConditions_passesEvenIfKeyExists() {
        assertThat(new WriteConditions(null, null).check("k", true, "abc")).isEmpty();
    }

    @Test
    void toXml_whenKeyHasMarkup_escapesIt() {
        assertThat(S3Error.noSuchKey("a<b&c").toXml("R", "H"))
                .contains("<Code>NoSuchKey</Code>", "<Key>a&lt;b&amp;c</Key>", "<RequestId>R</RequestId>");
    }
}
