package dev.fleetpress.localcloud.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import java.util.Map;

/** A typed HTTP API handler: answers 201 with the route key and the provider path parameter. */
public class RouteEchoHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {

    public RouteEchoHandler(DependencyFactory dependencies, Settings settings) {
        settings.required("AWS_LAMBDA_FUNCTION_NAME");
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(201)
                .withHeaders(Map.of("content-type", "text/plain"))
                .withBody(event.getRouteKey() + " " + event.getPathParameters().get("provider"))
                .build();
    }
}
