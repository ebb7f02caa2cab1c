package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.template.Template;
import org.junit.jupiter.api.Test;

class HttpRouteMatcherTest {
    private static final HttpRouteMatcher MATCHER = new HttpRouteMatcher(Template.parse("""
            Resources:
              Api:
                Type: AWS::Serverless::HttpApi
              GitHubFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.GitHub
                  Events:
                    Push:
                      Type: HttpApi
                      Properties: {ApiId: !Ref Api, Path: /webhook/github, Method: POST}
              AnyProviderFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.Any
                  Events:
                    Push:
                      Type: HttpApi
                      Properties: {ApiId: !Ref Api, Path: "/webhook/{provider}", Method: ANY}
              FallbackFunction:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: example.Fallback
                  Events:
                    Rest:
                      Type: HttpApi
                      Properties: {ApiId: !Ref Api}
            """, Repo.STACK).functions());

    @Test
    void match_whenLiteralAndParameterRoutesMatch_picksLiteral() {
        assertThat(MATCHER.match("POST", "/webhook/github")).singleElement()
                .extracting(HttpRouteMatcher.Match::functionLogicalId).isEqualTo("GitHubFunction");
    }

    @Test
    void match_whenOnlyParameterRouteMatches_picksIt() {
        assertThat(MATCHER.match("POST", "/webhook/gitlab")).singleElement()
                .extracting(HttpRouteMatcher.Match::functionLogicalId).isEqualTo("AnyProviderFunction");
    }

    @Test
    void match_whenNoRouteMatches_fallsBackToDefault() {
        assertThat(MATCHER.match("POST", "/webhook/gitlab/extra")).singleElement()
                .extracting(HttpRouteMatcher.Match::functionLogicalId).isEqualTo("FallbackFunction");
    }
}
