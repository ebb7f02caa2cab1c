package dev.fleetpress.localcloud.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NotificationRuleTest {

    @Test
    void matches_whenWildcardEvent_selectsEveryCreation() {
        var rule = new NotificationRule("r", List.of("s3:ObjectCreated:*"), "", "", "t");

        assertThat(rule.matches("ObjectCreated:CompleteMultipartUpload", "k")).isTrue();
    }

    @Test
    void matches_whenExactEventDiffers_rejects() {
        var rule = new NotificationRule("r", List.of("s3:ObjectCreated:Put"), "", "", "t");

        assertThat(rule.matches("ObjectCreated:Copy", "k")).isFalse();
    }

    @Test
    void matches_whenKeyHasPrefixButNotSuffix_rejects() {
        var rule = new NotificationRule("r", List.of("s3:ObjectCreated:*"), "_migration/", ".tar", "t");

        assertThat(rule.matches("ObjectCreated:Put", "_migration/a.zip")).isFalse();
    }

    @Test
    void new_whenEventLacksS3Prefix_failsNamingTheRule() {
        assertThatThrownBy(() -> new NotificationRule("r", List.of("ObjectCreated:*"), "", "", "t"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("rule r");
    }

    @Test
    void encodeKey_whenKeyHasSpacePlusSlashAndUnicode_encodesFormStyle() {
        assertThat(ObjectCreated.encodeKey("a b+c/ü.jpg")).isEqualTo("a+b%2Bc/%C3%BC.jpg");
    }
}
