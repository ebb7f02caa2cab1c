package dev.fleetpress.localcloud.checks;

import dev.fleetpress.localcloud.template.Template;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every HTTP API limits its routes ({@code DefaultRouteSettings} burst and rate): without them one
 * noisy or hostile webhook sender can use the account's whole API Gateway quota and start builds
 * as fast as it posts.
 */
final class HttpApiThrottlingCheck {
    private static final List<String> LIMITS = List.of("ThrottlingBurstLimit", "ThrottlingRateLimit");

    private HttpApiThrottlingCheck() {
    }

    static List<String> check(Template template) {
        List<String> findings = new ArrayList<>();
        for (String api : template.resourcesOfType("AWS::Serverless::HttpApi")) {
            Object settings = template.resolvedProperties(api).get("DefaultRouteSettings");
            Map<?, ?> declared = settings instanceof Map<?, ?> m ? m : Map.of();
            List<String> missing = LIMITS.stream().filter(limit -> declared.get(limit) == null).toList();
            if (!missing.isEmpty()) {
                findings.add(api + ": DefaultRouteSettings lacks " + missing + "; set both "
                        + LIMITS + " so the API is throttled below the account's quota"
                        + (api.equals("ServerlessHttpApi") ? " (this is SAM's implicit API, made for an HttpApi event "
                                + "without ApiId: declare an AWS::Serverless::HttpApi and point the event's ApiId at it)" : ""));
            }
        }
        return findings;
    }
}
