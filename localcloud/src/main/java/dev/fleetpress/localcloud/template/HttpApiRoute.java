package dev.fleetpress.localcloud.template;

import java.util.Locale;

/**
 * One {@code HttpApi} event of a function: a route of an HTTP API.
 *
 * @param eventName            the event's logical name under the function's {@code Events}
 * @param apiLogicalId         the HTTP API it belongs to ({@code ServerlessHttpApi} when the event names none, as in SAM)
 * @param method               upper-case HTTP method, or {@code ANY}
 * @param path                 the path template ({@code /webhook/{provider}}), or {@code $default}
 * @param payloadFormatVersion {@code 2.0} unless the template says {@code 1.0}
 */
public record HttpApiRoute(String eventName, String apiLogicalId, String method, String path, String payloadFormatVersion) {
    public HttpApiRoute {
        method = method.toUpperCase(Locale.ROOT);
    }

    /** The route key API Gateway reports: {@code POST /webhook/{provider}} or {@code $default}. */
    public String routeKey() {
        return path.equals("$default") ? "$default" : method + " " + path;
    }
}
