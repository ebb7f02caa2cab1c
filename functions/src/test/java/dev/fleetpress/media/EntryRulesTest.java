package dev.fleetpress.media;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class EntryRulesTest {
    private final EntryRules rules = EntryRules.under("wp-content/uploads/");

    @Test
    void check_whenUnicodeAndSpaces_acceptsIt() {
        assertThat(rules.check("2024/05/été photo (1).jpg")).isEmpty();
    }

    @Test
    void check_whenKeyExceeds1024Bytes_rejectsIt() {
        assertThat(rules.check("a/" + "é".repeat(500) + ".jpg")).hasValueSatisfying(r -> assertThat(r).contains("1024"));
    }

    @Test
    void check_whenInvalidUtf8WasReplaced_rejectsIt() {
        assertThat(rules.check("bad\uFFFD.jpg")).contains("name is not valid UTF-8");
    }

    @Test
    void key_whenPathEscapes_refusesToBuildIt() {
        assertThatThrownBy(() -> rules.key("a/../../etc/passwd")).isInstanceOf(IllegalArgumentException.class);
    }
}
