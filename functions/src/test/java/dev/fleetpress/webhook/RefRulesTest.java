package dev.fleetpress.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RefRulesTest {
    private final RefRules rules = RefRules.parse("refs/heads/main=production,refs/tags/v*=staging");

    @Test
    void environmentFor_whenRefEqualsRule_returnsItsEnvironment() {
        assertThat(rules.environmentFor("refs/heads/main")).contains("production");
    }

    @Test
    void environmentFor_whenRefExtendsWildcardPrefix_returnsItsEnvironment() {
        assertThat(rules.environmentFor("refs/tags/v1.2.0")).contains("staging");
    }

    @Test
    void environmentFor_whenRefOnlySharesAPrefixWithAnExactRule_isEmpty() {
        assertThat(rules.environmentFor("refs/heads/main-old")).isEmpty();
    }

    @Test
    void environmentFor_whenNoRuleMatches_isEmpty() {
        assertThat(rules.environmentFor("refs/tags/release-1")).isEmpty();
    }

    @Test
    void environmentFor_whenSeveralRulesMatch_firstWins() {
        RefRules ordered = RefRules.parse("refs/heads/hotfix/*=production,refs/heads/*=preview");

        assertThat(ordered.environmentFor("refs/heads/hotfix/login")).contains("production");
        assertThat(ordered.environmentFor("refs/heads/feature/login")).contains("preview");
    }

    @Test
    void environmentFor_whenWildcardHasNoSuffix_matchesThePrefixItself() {
        assertThat(RefRules.parse("refs/tags/v*=staging").environmentFor("refs/tags/v")).contains("staging");
    }

    @Test
    void parse_whenSpacesAroundEntries_ignoresThem() {
        assertThat(RefRules.parse(" refs/heads/main = production , refs/heads/dev=dev ").environmentFor("refs/heads/dev"))
                .contains("dev");
    }

    @ParameterizedTest
    @ValueSource(strings = {"refs/heads/main", "refs/heads/main=prod=x", "refs/heads/main=production,",
            "=production", "main=production", "refs/heads/a*b=production", "refs/heads/../x=production",
            "refs/heads/=production", "refs/heads/main=Production", "refs/heads/main=1prod",
            "refs/heads/main=production-environment-with-a-long-name"})
    void parse_whenRuleMalformed_failsNamingTheRule(String text) {
        assertThatThrownBy(() -> RefRules.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("REF_RULES rule ");
    }

    @Test
    void parse_whenSecondRuleMalformed_saysWhichOne() {
        assertThatThrownBy(() -> RefRules.parse("refs/heads/main=production,refs/tags/v*=Staging"))
                .hasMessageStartingWith("REF_RULES rule 2 'refs/tags/v*=Staging': environment 'Staging' must be");
    }

    @Test
    void parse_whenBlank_failsWithAnExample() {
        assertThatThrownBy(() -> RefRules.parse(" "))
                .hasMessageContaining("REF_RULES is empty")
                .hasMessageContaining("refs/heads/main=production");
    }
}
