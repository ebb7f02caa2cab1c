package dev.fleetpress.localcloud.ssm.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import software.amazon.awssdk.services.ssm.model.SsmException;

class RateControlsTest {
    @Test
    void of_whenNothingIsSent_usesAwsDefaultsOfFiftyAtOnceAndNoErrors() {
        RateControls rates = RateControls.of(null, null, 120);

        assertThat(rates.maxConcurrency()).isEqualTo("50");
        assertThat(rates.maxErrors()).isEqualTo("0");
        assertThat(rates.concurrencyLimit()).isEqualTo(50);
        assertThat(rates.errorLimit()).isZero();
    }

    @Test
    void of_whenAbsoluteNumbers_usesThemAsSent() {
        RateControls rates = RateControls.of("3", "2", 10);

        assertThat(rates.concurrencyLimit()).isEqualTo(3);
        assertThat(rates.errorLimit()).isEqualTo(2);
    }

    @Test
    void of_whenPercentages_takesThemOfTheTargetsRoundedDown() {
        RateControls rates = RateControls.of("50%", "25%", 7);

        assertThat(rates.maxConcurrency()).isEqualTo("50%");
        assertThat(rates.concurrencyLimit()).isEqualTo(3);
        assertThat(rates.errorLimit()).isEqualTo(1);
    }

    @Test
    void of_whenPercentageOfFewTargetsRoundsToZero_stillRunsOneAtATime() {
        RateControls rates = RateControls.of("10%", "10%", 3);

        assertThat(rates.concurrencyLimit()).isEqualTo(1);
        assertThat(rates.errorLimit()).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "101%", "0%", "ten", "-1", "5 ", ""})
    void of_whenMaxConcurrencyBreaksTheModelPattern_throwsValidationNamingTheField(String value) {
        assertThatThrownBy(() -> RateControls.of(value, null, 4))
                .isInstanceOfSatisfying(SsmException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("'maxConcurrency'");
                });
    }

    @ParameterizedTest
    @ValueSource(strings = {"01", "101%", "x%", "12345678"})
    void of_whenMaxErrorsBreaksTheModelConstraints_throwsValidationNamingTheField(String value) {
        assertThatThrownBy(() -> RateControls.of(null, value, 4))
                .isInstanceOfSatisfying(SsmException.class, e -> {
                    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
                    assertThat(e.awsErrorDetails().errorMessage()).contains("'maxErrors'");
                });
    }

    @Test
    void of_whenMaxErrorsIsZeroPercent_allowsNoError() {
        assertThat(RateControls.of(null, "0%", 40).errorLimit()).isZero();
    }
}
