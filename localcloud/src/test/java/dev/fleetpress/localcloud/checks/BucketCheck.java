package dev.fleetpress.localcloud.checks;

import dev.fleetpress.localcloud.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every S3 bucket holds releases or media that must never be public or travel in clear text: it is
 * encrypted at rest, blocks every form of public access, and has a bucket policy that denies
 * requests without TLS ({@code aws:SecureTransport: false}).
 */
final class BucketCheck {
    static final List<String> PUBLIC_ACCESS_FLAGS =
            List.of("BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets");

    private BucketCheck() {
    }

    static List<String> check(Template template) {
        List<String> findings = new ArrayList<>();
        for (String bucket : template.resourcesOfType("AWS::S3::Bucket")) {
            Map<String, Object> props = template.resolvedProperties(bucket);
            if (!encrypted(props)) {
                findings.add(bucket + ": no server-side encryption; set BucketEncryption.ServerSideEncryptionConfiguration"
                        + " with ServerSideEncryptionByDefault.SSEAlgorithm (AES256 or aws:kms)");
            }
            List<String> open = PUBLIC_ACCESS_FLAGS.stream()
                    .filter(flag -> !isTrue(map(props.get("PublicAccessBlockConfiguration")).get(flag))).toList();
            if (!open.isEmpty()) {
                findings.add(bucket + ": PublicAccessBlockConfiguration does not set " + open
                        + " to true; set all four of " + PUBLIC_ACCESS_FLAGS + " to true");
            }
            if (!deniesInsecureTransport(template, template.ref(bucket))) {
                findings.add(bucket + ": no AWS::S3::BucketPolicy for it denies insecure transport; add one with a "
                        + "statement Effect: Deny, Principal: \"*\", Action: \"s3:*\", Resource: the bucket and its "
                        + "objects, Condition: {Bool: {aws:SecureTransport: \"false\"}}");
            }
        }
        return findings;
    }

    private static boolean encrypted(Map<String, Object> props) {
        Object rules = map(props.get("BucketEncryption")).get("ServerSideEncryptionConfiguration");
        if (!(rules instanceof List<?> list) || list.isEmpty()) {
            return false;
        }
        return list.stream().allMatch(rule -> {
            Object algorithm = map(map(rule).get("ServerSideEncryptionByDefault")).get("SSEAlgorithm");
            return algorithm != null && !String.valueOf(algorithm).isBlank();
        });
    }

    private static boolean deniesInsecureTransport(Template template, String bucketName) {
        for (String policy : template.resourcesOfType("AWS::S3::BucketPolicy")) {
            Map<String, Object> props = template.resolvedProperties(policy);
            if (!bucketName.equals(String.valueOf(props.get("Bucket")))) {
                continue;
            }
            Object statements = map(props.get("PolicyDocument")).get("Statement");
            for (Object statement : statements instanceof List<?> list ? list : List.of(map(statements))) {
                Map<String, Object> s = map(statement);
                Object secure = map(map(s.get("Condition")).get("Bool")).get("aws:SecureTransport");
                if ("Deny".equals(s.get("Effect")) && isFalse(secure)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean isTrue(Object value) {
        return value != null && String.valueOf(value).equalsIgnoreCase("true");
    }

    private static boolean isFalse(Object value) {
        if (value instanceof List<?> list) {
            return list.size() == 1 && isFalse(list.get(0));
        }
        return value != null && String.valueOf(value).equalsIgnoreCase("false");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}
