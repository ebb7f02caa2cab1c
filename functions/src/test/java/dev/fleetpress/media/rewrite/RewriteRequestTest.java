package dev.fleetpress.media.rewrite;

import static dev.fleetpress.media.rewrite.RewriteWorld.ENV;
import static dev.fleetpress.media.rewrite.RewriteWorld.FROM;
import static dev.fleetpress.media.rewrite.RewriteWorld.MIGRATION;
import static dev.fleetpress.media.rewrite.RewriteWorld.TO;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class RewriteRequestTest {
    @ParameterizedTest
    @ValueSource(strings = {"https://www.example.com/wp-content/uploads", "http://localhost:8080/wp-content/uploads",
            "https://cdn.example.com", "https://example.com/sites/2/files", "https://ex-ample.co.uk/a_b/c~d/e%20f/g+h"})
    void requireValid_whenABaseUrl_acceptsIt(String url) {
        assertThat(BaseUrls.requireValid(url, "--from")).isEqualTo(url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://www.example.com/wp-content/uploads'; rm -rf /; '",
            "https://www.example.com/$(reboot)", "https://www.example.com/`id`", "https://www.example.com/a b",
            "https://www.example.com/a\nb", "https://www.example.com/a\"b", "https://www.example.com/a;b",
            "https://www.example.com/a|b", "https://www.example.com/a&b", "https://www.example.com/a?b=1",
            "https://www.example.com/a#b", "https://www.example.com/a\\b", "https://www.example.com/a>b",
            "ftp://www.example.com/uploads", "//www.example.com/uploads", "www.example.com/uploads", "HTTPS://example.com",
            "https://user:pw@example.com/uploads", "https:///uploads", "https://-example.com/u", "https://example..com/u",
            "https://example.com:0/u", "https://example.com:99999/u", "https://example.com/u%zz", "https://example.com/u/", ""})
    void requireValid_whenHostile_throwsNamingTheOption(String url) {
        assertThatThrownBy(() -> BaseUrls.requireValid(url, "--to")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--to");
    }

    @Test
    void requireValid_whenTrailingSlash_saysWhichBaseToGive() {
        assertThatThrownBy(() -> BaseUrls.requireValid(FROM + "/", "--from"))
                .hasMessageContaining("without a trailing slash, as " + FROM);
    }

    @Test
    void requireValid_whenControlCharacters_showsThemEscaped() {
        assertThatThrownBy(() -> BaseUrls.requireValid("https://a.com/x\ny", "--from")).hasMessageContaining("x\\x0ay");
    }

    @Test
    void new_whenTheSameUrls_throws() {
        assertThatThrownBy(() -> new RewriteRequest(ENV, MIGRATION, FROM, FROM)).hasMessageContaining("nothing to rewrite");
    }

    @Test
    void new_whenTheNewBaseContainsTheOld_throwsBecauseARerunWouldRewriteAgain() {
        assertThatThrownBy(() -> new RewriteRequest(ENV, MIGRATION, FROM, FROM + "-s3"))
                .hasMessageContaining("would rewrite the new URLs again");
    }

    @Test
    void new_whenTheEnvironmentOrMigrationIsNotAName_throws() {
        assertThatThrownBy(() -> new RewriteRequest("Prod!", MIGRATION, FROM, TO)).hasMessageContaining("not an environment name");
        assertThatThrownBy(() -> new RewriteRequest(ENV, "../m-x", FROM, TO)).hasMessageContaining("migration id");
    }
}
