package dev.fleetpress.localcloud.template;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class IntrinsicsTest {
    private static final String BASE = """
            Parameters:
              Env:
                Type: String
                Default: prod
              Subnets:
                Type: CommaDelimitedList
                Default: "a, b"
              Required:
                Type: String
            Mappings:
              Sizes:
                prod:
                  Memory: 1024
            Conditions:
              IsProd: !Equals [!Ref Env, prod]
              IsDev: !Not [!Condition IsProd]
              Both: !And [!Condition IsProd, !Equals [a, a]]
              Either: !Or [!Condition IsDev, !Condition IsProd]
            Resources:
              Bucket:
                Type: AWS::S3::Bucket
              Named:
                Type: AWS::S3::Bucket
                Properties:
                  BucketName: !Sub ${AWS::StackName}-named
              Project:
                Type: AWS::CodeBuild::Project
                Properties:
                  Name: builder
              Queue:
                Type: AWS::SQS::Queue
              Fn:
                Type: AWS::Serverless::Function
                Properties:
                  Handler: a.B
              DevOnly:
                Type: AWS::S3::Bucket
                Condition: IsDev
            Outputs:
              Shared:
                Value: exported-value
                Export:
                  Name: shared-name
            """;

    private final Template template = Template.parse(BASE, StackContext.local());

    private Object resolve(String yamlValue) {
        Template t = Template.parse(BASE + "  Probe:\n    Value: " + yamlValue + "\n", StackContext.local());
        return t.resolved(t.section("Outputs").get("Probe") instanceof Map<?, ?> m ? m.get("Value") : null);
    }

    @Test
    void ref_whenPseudoParameters_returnLocalStackValues() {
        assertThat(resolve("!Sub ${AWS::StackName}/${AWS::Region}/${AWS::AccountId}/${AWS::Partition}/${AWS::URLSuffix}"))
                .isEqualTo("fleetpress-local/us-east-1/000000000000/aws/amazonaws.com");
    }

    @Test
    void ref_whenParameterHasDefault_returnsDefault() {
        assertThat(resolve("!Ref Env")).isEqualTo("prod");
    }

    @Test
    void ref_whenCommaDelimitedList_returnsTrimmedItems() {
        assertThat(resolve("!Ref Subnets")).isEqualTo(List.of("a", "b"));
    }

    @Test
    void ref_whenRequiredParameterMissing_failsNamingIt() {
        assertThatThrownBy(() -> resolve("!Ref Required"))
                .isInstanceOf(TemplateException.class).hasMessageContaining("Required");
    }

    @Test
    void ref_whenBucketWithoutName_returnsStackDashLowerCaseId() {
        assertThat(resolve("!Ref Bucket")).isEqualTo("fleetpress-local-bucket");
    }

    @Test
    void ref_whenBucketNameProperty_returnsResolvedName() {
        assertThat(resolve("!Ref Named")).isEqualTo("fleetpress-local-named");
    }

    @Test
    void ref_whenFunction_returnsLogicalId() {
        assertThat(resolve("!Ref Fn")).isEqualTo("Fn");
    }

    @Test
    void ref_whenUnknownName_failsNamingIt() {
        assertThatThrownBy(() -> resolve("!Ref Nope")).hasMessageContaining("Nope");
    }

    @Test
    void getAtt_whenShortScalarForm_returnsBucketArn() {
        assertThat(resolve("!GetAtt Bucket.Arn")).isEqualTo("arn:aws:s3:::fleetpress-local-bucket");
    }

    @Test
    void getAtt_whenListForm_returnsProjectArn() {
        assertThat(resolve("!GetAtt [Project, Arn]")).isEqualTo("arn:aws:codebuild:us-east-1:000000000000:project/builder");
    }

    @Test
    void getAtt_whenLongForm_returnsFunctionArn() {
        assertThat(resolve("{\"Fn::GetAtt\": [Fn, Arn]}")).isEqualTo("arn:aws:lambda:us-east-1:000000000000:function:Fn");
    }

    @Test
    void getAtt_whenImplicitFunctionRole_returnsRoleArn() {
        assertThat(resolve("!GetAtt FnRole.Arn")).isEqualTo("arn:aws:iam::000000000000:role/FnRole");
    }

    @Test
    void ref_whenQueue_returnsQueueUrl() {
        assertThat(resolve("!Ref Queue")).isEqualTo("https://sqs.us-east-1.amazonaws.com/000000000000/Queue");
    }

    @Test
    void ref_whenQueueNameProperty_returnsUrlWithThatName() {
        Template t = Template.parse("""
                Resources:
                  Named:
                    Type: AWS::SQS::Queue
                    Properties:
                      QueueName: !Sub ${AWS::StackName}-retries
                """, StackContext.local());

        assertThat(t.ref("Named")).isEqualTo("https://sqs.us-east-1.amazonaws.com/000000000000/fleetpress-local-retries");
    }

    @Test
    void ref_whenTopic_returnsTopicArn() {
        Template t = Template.parse("""
                Resources:
                  Alerts:
                    Type: AWS::SNS::Topic
                  NamedAlerts:
                    Type: AWS::SNS::Topic
                    Properties:
                      TopicName: fleet-alerts
                """, StackContext.local());

        assertThat(t.ref("Alerts")).isEqualTo("arn:aws:sns:us-east-1:000000000000:Alerts");
        assertThat(t.ref("NamedAlerts")).isEqualTo("arn:aws:sns:us-east-1:000000000000:fleet-alerts");
    }

    @Test
    void getAtt_whenQueueArn_returnsSqsArn() {
        assertThat(resolve("!GetAtt Queue.Arn")).isEqualTo("arn:aws:sqs:us-east-1:000000000000:Queue");
    }

    @Test
    void getAtt_whenUnknownAttribute_failsNamingIt() {
        assertThatThrownBy(() -> resolve("!GetAtt Bucket.Colour")).hasMessageContaining("Colour");
    }

    @Test
    void sub_whenResourceAttribute_substitutesGetAtt() {
        assertThat(resolve("!Sub ${Bucket.Arn}/*")).isEqualTo("arn:aws:s3:::fleetpress-local-bucket/*");
    }

    @Test
    void sub_whenEscaped_keepsLiteral() {
        assertThat(resolve("!Sub ${!Literal}-${Env}")).isEqualTo("${Literal}-prod");
    }

    @Test
    void sub_whenListForm_usesVariablesFirst() {
        assertThat(resolve("!Sub ['${Env}-${X}', {X: !Ref Bucket, Env: local}]")).isEqualTo("local-fleetpress-local-bucket");
    }

    @Test
    void join_whenListIncludesIntrinsics_joinsResolvedItems() {
        assertThat(resolve("!Join ['-', [a, !Ref Env, !Select [1, !Ref Subnets]]]")).isEqualTo("a-prod-b");
    }

    @Test
    void split_whenDelimiterFound_returnsParts() {
        assertThat(resolve("!Split [',', 'x,y,,z']")).isEqualTo(List.of("x", "y", "", "z"));
    }

    @Test
    void select_whenIndexIsText_picksItem() {
        assertThat(resolve("!Select ['0', !GetAZs '']")).isEqualTo("us-east-1a");
    }

    @Test
    void if_whenConditionTrue_takesFirstBranch() {
        assertThat(resolve("!If [IsProd, big, small]")).isEqualTo("big");
    }

    @Test
    void if_whenConditionFalse_takesSecondBranch() {
        assertThat(resolve("!If [IsDev, big, small]")).isEqualTo("small");
    }

    @Test
    void conditions_whenNotAndOr_evaluate() {
        assertThat(template.condition("IsDev")).isFalse();
        assertThat(template.condition("Both")).isTrue();
        assertThat(template.condition("Either")).isTrue();
    }

    @Test
    void resources_whenConditionFalse_areLeftOut() {
        assertThat(template.resourceIds()).doesNotContain("DevOnly").contains("Bucket");
    }

    @Test
    void noValue_whenInList_isDropped() {
        assertThat(resolve("[a, !If [IsDev, b, !Ref AWS::NoValue], c]")).isEqualTo(List.of("a", "c"));
    }

    @Test
    void findInMap_whenKeysExist_returnsValue() {
        assertThat(resolve("!FindInMap [Sizes, !Ref Env, Memory]")).isEqualTo(1024);
    }

    @Test
    void importValue_whenThisStackExportsIt_returnsValue() {
        assertThat(resolve("!ImportValue shared-name")).isEqualTo("exported-value");
    }

    @Test
    void base64_whenText_encodesUtf8() {
        assertThat(resolve("!Base64 hello")).isEqualTo("aGVsbG8=");
    }

    @Test
    void equals_whenUsedAsValue_returnsBoolean() {
        assertThat(resolve("!Equals [!Ref Env, prod]")).isEqualTo(true);
    }

    @Test
    void parse_whenParameterOverrideViolatesAllowedValues_failsNamingIt() {
        Template t = Template.parse("""
                Parameters:
                  Mode:
                    Type: String
                    AllowedValues: [a, b]
                Resources:
                  Bucket:
                    Type: AWS::S3::Bucket
                """, StackContext.local(Map.of("Mode", "c")));

        assertThatThrownBy(() -> t.ref("Mode")).hasMessageContaining("Mode").hasMessageContaining("AllowedValues");
    }

    @Test
    void functions_whenGlobalsAndFunctionSetSameVariable_functionWins() {
        Template t = Template.parse("""
                Globals:
                  Function:
                    Timeout: 30
                    Environment:
                      Variables:
                        A: global
                        B: global
                Resources:
                  Fn:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: x.Y::run
                      Environment:
                        Variables:
                          B: local
                """, StackContext.local());

        FunctionSpec fn = t.function("Fn");
        assertThat(fn.environment()).isEqualTo(Map.of("A", "global", "B", "local"));
        assertThat(fn.handlerMethod()).isEqualTo("run");
        assertThat(fn.timeout()).hasSeconds(30);
    }
}
