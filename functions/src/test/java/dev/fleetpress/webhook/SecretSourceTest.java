package dev.fleetpress.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.aws.SsmSecretSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.GetParameterRequest;
import software.amazon.awssdk.services.ssm.model.GetParameterResponse;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;

class SecretSourceTest {
    private final Fakes.ManualClock clock = new Fakes.ManualClock(Instant.parse("2025-03-12T10:00:00Z"));
    private final Fakes.CountingSecretSource store = new Fakes.CountingSecretSource();
    private final SecretSource cached = SecretSource.cached(store, Duration.ofMinutes(5), clock);

    @Test
    void secret_whenAskedManyTimesWithinTtl_fetchesOnce() {
        for (int i = 0; i < 10; i++) {
            cached.secret();
            clock.advance(Duration.ofSeconds(29));
        }

        assertThat(store.calls).isEqualTo(1);
    }

    @Test
    void secret_whenTtlHasPassed_fetchesAgain() {
        cached.secret();
        clock.advance(Duration.ofMinutes(5));

        cached.secret();

        assertThat(store.calls).isEqualTo(2);
    }

    @Test
    void secret_whenCreated_fetchesNothingUntilFirstUse() {
        SecretSource.cached(store, Duration.ofMinutes(5), clock);

        assertThat(store.calls).isZero();
    }

    @Test
    void secret_whenFetchFailed_retriesOnNextCall() {
        store.failing = new IllegalStateException("SSM unreachable");
        assertThatThrownBy(cached::secret).hasMessage("SSM unreachable");
        store.failing = null;

        assertThat(cached.secret()).isNotNull();
        assertThat(store.calls).isEqualTo(2);
    }

    @Test
    void ssmSecretSource_whenRead_asksForTheDecryptedParameter() {
        FakeSsm ssm = new FakeSsm();

        Secret secret = SsmSecretSource.create(ssm, "/fleetpress/webhook-secret", clock).secret();

        assertThat(secret.matches(Fixtures.SECRET)).isTrue();
        assertThat(ssm.requests).singleElement().satisfies(r -> {
            assertThat(r.name()).isEqualTo("/fleetpress/webhook-secret");
            assertThat(r.withDecryption()).isTrue();
        });
    }

    @Test
    void ssmSecretSource_whenReadManyTimes_callsSsmOnce() {
        FakeSsm ssm = new FakeSsm();
        SecretSource source = SsmSecretSource.create(ssm, "/fleetpress/webhook-secret", clock);

        source.secret();
        source.secret();
        source.secret();

        assertThat(ssm.requests).hasSize(1);
    }

    @Test
    void ssmSecretSource_whenParameterMissing_failsNamingItAndHowToCreateIt() {
        FakeSsm ssm = new FakeSsm();
        ssm.missing = true;

        assertThatThrownBy(() -> SsmSecretSource.create(ssm, "/fleetpress/webhook-secret", clock).secret())
                .hasMessageContaining("SSM parameter /fleetpress/webhook-secret does not exist")
                .hasMessageContaining("put-parameter --type SecureString");
    }

    /** Answers GetParameter with the fixture secret; every other operation is unsupported. */
    private static final class FakeSsm implements SsmClient {
        final List<GetParameterRequest> requests = new ArrayList<>();
        boolean missing;

        @Override
        public GetParameterResponse getParameter(GetParameterRequest request) {
            requests.add(request);
            if (missing) {
                throw ParameterNotFoundException.builder().message("ParameterNotFound").build();
            }
            return GetParameterResponse.builder()
                    .parameter(Parameter.builder().name(request.name()).type("SecureString").value(Fixtures.SECRET).build())
                    .build();
        }

        @Override
        public String serviceName() {
            return "ssm";
        }

        @Override
        public void close() {
        }
    }
}
