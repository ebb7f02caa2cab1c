package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.localcloud.template.Template;
import java.util.List;
import org.junit.jupiter.api.Test;

class BucketCheckTest {
    private static final String ENCRYPTION = """
                  BucketEncryption:
                    ServerSideEncryptionConfiguration:
                      - ServerSideEncryptionByDefault:
                          SSEAlgorithm: AES256
            """;
    private static final String PUBLIC_ACCESS_BLOCK = """
                  PublicAccessBlockConfiguration:
                    BlockPublicAcls: true
                    BlockPublicPolicy: true
                    IgnorePublicAcls: true
                    RestrictPublicBuckets: true
            """;
    private static final String TLS_POLICY = """
              MediaBucketPolicy:
                Type: AWS::S3::BucketPolicy
                Properties:
                  Bucket: !Ref MediaBucket
                  PolicyDocument:
                    Statement:
                      - Effect: Deny
                        Principal: "*"
                        Action: "s3:*"
                        Resource: !Sub ${MediaBucket.Arn}/*
                        Condition:
                          Bool:
                            aws:SecureTransport: "false"
            """;

    private static List<String> check(String bucketProperties, String more) {
        return BucketCheck.check(Template.parse("""
                Resources:
                  MediaBucket:
                    Type: AWS::S3::Bucket
                    Properties:
                      VersioningConfiguration: {Status: Enabled}
                """ + bucketProperties + more, Repo.STACK));
    }

    @Test
    void check_whenRepoTemplate_findsNothing() {
        Repo.assertNoFindings(BucketCheck.check(Repo.template()));
    }

    @Test
    void check_whenBucketIsLockedDown_findsNothing() {
        assertThat(check(ENCRYPTION + PUBLIC_ACCESS_BLOCK, TLS_POLICY)).isEmpty();
    }

    @Test
    void check_whenEncryptionIsMissing_reportsIt() {
        assertThat(check(PUBLIC_ACCESS_BLOCK, TLS_POLICY)).singleElement().asString()
                .contains("MediaBucket: no server-side encryption");
    }

    @Test
    void check_whenAPublicAccessFlagIsFalse_namesIt() {
        assertThat(check(ENCRYPTION + PUBLIC_ACCESS_BLOCK.replace("IgnorePublicAcls: true", "IgnorePublicAcls: false"),
                TLS_POLICY)).singleElement().asString()
                .contains("MediaBucket: PublicAccessBlockConfiguration does not set [IgnorePublicAcls] to true");
    }

    @Test
    void check_whenPublicAccessBlockIsMissing_namesAllFlags() {
        assertThat(check(ENCRYPTION, TLS_POLICY)).singleElement().asString()
                .contains("[BlockPublicAcls, BlockPublicPolicy, IgnorePublicAcls, RestrictPublicBuckets]");
    }

    @Test
    void check_whenNoBucketPolicy_reportsTransport() {
        assertThat(check(ENCRYPTION + PUBLIC_ACCESS_BLOCK, "")).singleElement().asString()
                .contains("MediaBucket: no AWS::S3::BucketPolicy for it denies insecure transport");
    }

    @Test
    void check_whenPolicyAllowsInsteadOfDenies_reportsTransport() {
        assertThat(check(ENCRYPTION + PUBLIC_ACCESS_BLOCK, TLS_POLICY.replace("Effect: Deny", "Effect: Allow")))
                .singleElement().asString().contains("denies insecure transport");
    }
}
