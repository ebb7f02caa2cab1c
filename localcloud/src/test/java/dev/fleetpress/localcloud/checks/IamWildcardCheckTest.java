package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IamWildcardCheckTest {
    private final IamWildcardCheck check = new IamWildcardCheck();

    /** A function whose only statement has these Action and Resource lines (indented for a statement). */
    private static String functionWith(String statementLines) {
        return """
                Resources:
                  Bucket:
                    Type: AWS::S3::Bucket
                  ThingFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: example.Thing
                      Policies:
                        - Version: "2012-10-17"
                          Statement:
                            - Sid: Thing
                              Effect: Allow
                """ + statementLines.indent(14);
    }

    private List<String> check(String template) {
        return check.check(template, Repo.STACK);
    }

    @Test
    void check_whenRepoTemplate_findsNothing() {
        Repo.assertNoFindings(check(Repo.templateText()));
    }

    @Test
    void check_whenRepoTemplateLosesItsJustifications_reportsItsWildcards() {
        String unjustified = Repo.templateText().replace("# wildcard:", "# was:");

        assertThat(check(unjustified)).isNotEmpty()
                .allSatisfy(finding -> assertThat(finding).startsWith("template.yaml:").contains("is a wildcard"));
    }

    @Test
    void check_whenScopedToStackResources_findsNothing() {
        assertThat(check(functionWith("""
                Action: [s3:GetObject, s3:PutObject]
                Resource:
                  - !Sub ${Bucket.Arn}/releases/*
                  - !Sub arn:${AWS::Partition}:ssm:${AWS::Region}:${AWS::AccountId}:parameter/fleetpress/${AWS::StackName}/env/*
                """))).isEmpty();
    }

    @Test
    void check_whenServiceWildcardAction_reportsLine() {
        assertThat(check(functionWith("""
                Action: s3:*
                Resource: !Sub ${Bucket.Arn}/releases/*
                """))).singleElement().asString()
                .startsWith("template.yaml:13: ThingFunction statement Thing: Action 's3:*' is a wildcard action");
    }

    @Test
    void check_whenStarResource_reportsIt() {
        assertThat(check(functionWith("""
                Action: s3:GetObject
                Resource: "*"
                """))).singleElement().asString().contains("Resource '*' is a wildcard over the whole account");
    }

    @Test
    void check_whenAccountWideKeys_reportsIt() {
        assertThat(check(functionWith("""
                Action: kms:Decrypt
                Resource: !Sub arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*
                """))).singleElement().asString().contains("Resource 'arn:aws:kms:us-east-1:000000000000:key/*'");
    }

    @Test
    void check_whenCommentLineAbove_findsNothing() {
        assertThat(check(functionWith("""
                Action: kms:Decrypt
                # wildcard: the key id is not known at deploy time
                Resource: !Sub arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/*
                """))).isEmpty();
    }

    @Test
    void check_whenInlineComment_findsNothing() {
        assertThat(check(functionWith("""
                Action: "*" # wildcard: a deny for every action
                Resource: !Sub ${Bucket.Arn}/releases/*
                """))).isEmpty();
    }

    @Test
    void check_whenCommentIsThreeLinesAbove_reportsIt() {
        assertThat(check(functionWith("""
                # wildcard: too far away to count
                Condition: {}
                Action: s3:GetObject
                Resource: "*"
                """))).singleElement().asString().contains("Resource '*'");
    }

    @Test
    void check_whenInlineCommentBelongsToLineAbove_reportsIt() {
        assertThat(check(functionWith("""
                Action: "s3:*" # wildcard: justifies only the action
                Resource: "*"
                """))).singleElement().asString().contains("Resource '*'");
    }

    @Test
    void check_whenRolePolicyHasWildcardInList_reportsIt() {
        assertThat(check("""
                Resources:
                  BuildRole:
                    Type: AWS::IAM::Role
                    Properties:
                      Policies:
                        - PolicyName: build
                          PolicyDocument:
                            Statement:
                              - Effect: Allow
                                Action:
                                  - logs:PutLogEvents
                                  - logs:*
                                Resource: !Sub arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/build*
                """)).singleElement().asString()
                .startsWith("template.yaml:12: BuildRole statement without Sid: Action 'logs:*'");
    }

    @Test
    void check_whenBucketPolicyHasWildcardAction_reportsIt() {
        assertThat(check("""
                Resources:
                  Bucket:
                    Type: AWS::S3::Bucket
                  BucketPolicy:
                    Type: AWS::S3::BucketPolicy
                    Properties:
                      Bucket: !Ref Bucket
                      PolicyDocument:
                        Statement:
                          - Sid: DenyInsecureTransport
                            Effect: Deny
                            Principal: "*"
                            Action: "s3:*"
                            Resource: !Sub ${Bucket.Arn}/*
                """)).singleElement().asString().contains("BucketPolicy statement DenyInsecureTransport: Action 's3:*'");
    }

    @ParameterizedTest
    @ValueSource(strings = {"*", "arn:aws:kms:us-east-1:000000000000:key/*", "arn:aws:s3:::*",
            "arn:aws:ssm:us-east-1:000000000000:parameter/*", "arn:aws:lambda:us-east-1:000000000000:function:*",
            "arn:aws:ec2:*:000000000000:instance/i-0abc", "arn:aws:s3:::*/*"})
    void isWildcardResource_whenAccountWide_isTrue(String resource) {
        assertThat(IamWildcardCheck.isWildcardResource(resource)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"arn:aws:s3:::fleetpress-local-releasebucket/*",
            "arn:aws:s3:::fleetpress-local-releasebucket/releases/*",
            "arn:aws:ssm:us-east-1:000000000000:parameter/fleetpress/fleetpress-local/env/*",
            "arn:aws:logs:us-east-1:000000000000:log-group:/aws/codebuild/fleetpress-local-release*",
            "arn:aws:logs:us-east-1:000000000000:log-group:/aws/lambda/x:*"})
    void isWildcardResource_whenScopedToNamedResource_isFalse(String resource) {
        assertThat(IamWildcardCheck.isWildcardResource(resource)).isFalse();
    }
}
