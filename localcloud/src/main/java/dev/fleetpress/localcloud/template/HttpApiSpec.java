package dev.fleetpress.localcloud.template;

/**
 * An HTTP API of the stack ({@code AWS::Serverless::HttpApi}, or the implicit {@code ServerlessHttpApi}).
 *
 * @param throttling the {@code DefaultRouteSettings} limits, or the account-level defaults when the template sets none
 */
public record HttpApiSpec(String logicalId, Throttling throttling) {

    /**
     * A token bucket: up to {@code burstLimit} requests at once, refilled at {@code rateLimit} per second.
     */
    public record Throttling(int burstLimit, double rateLimit) {
        /** API Gateway's account-level default per region: 5,000 burst, 10,000 requests per second. */
        public static final Throttling ACCOUNT_DEFAULT = new Throttling(5000, 10000);

        public Throttling {
            if (burstLimit < 0 || rateLimit < 0) {
                throw new IllegalArgumentException("throttling limits must be >= 0, got burst " + burstLimit + ", rate " + rateLimit);
            }
        }
    }
}
