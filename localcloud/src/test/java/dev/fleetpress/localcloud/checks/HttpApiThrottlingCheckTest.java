package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.template.Template;
import java.util.List;
import org.junit.jupiter.api.Test;

class HttpApiThrottlingCheckTest {
    private static List<String> check(String yaml) {
        return HttpApiThrottlingCheck.check(Template.parse(yaml, Repo.STACK));
    }

    @Test
    void check_whenRepoTemplate_findsNothing() {
        Repo.assertNoFindings(HttpApiThrottlingCheck.check(Repo.template()));
    }

    @Test
    void check_whenBothLimitsSet_findsNothing() {
        assertThat(check("""
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      DefaultRouteSettings: {ThrottlingBurstLimit: 50, ThrottlingRateLimit: 20}
                """)).isEmpty();
    }

    @Test
    void check_whenRateLimitIsMissing_namesIt() {
        assertThat(check("""
                Resources:
                  Api:
                    Type: AWS::Serverless::HttpApi
                    Properties:
                      DefaultRouteSettings: {ThrottlingBurstLimit: 50}
                """)).singleElement().asString().contains("Api: DefaultRouteSettings lacks [ThrottlingRateLimit]");
    }

    @Test
    void check_whenEventUsesImplicitApi_saysToDeclareOne() {
        assertThat(check("""
                Resources:
                  HookFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: example.Hook
                      Events:
                        Push:
                          Type: HttpApi
                          Properties: {Path: /hook, Method: POST}
                """)).singleElement().asString()
                .contains("ServerlessHttpApi: DefaultRouteSettings lacks [ThrottlingBurstLimit, ThrottlingRateLimit]",
                        "declare an AWS::Serverless::HttpApi");
    }
}
