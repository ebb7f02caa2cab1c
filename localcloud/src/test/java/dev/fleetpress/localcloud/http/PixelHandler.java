package dev.fleetpress.localcloud.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import java.util.Base64;
import java.util.Map;

/** Answers four binary bytes, base64-encoded as payload format 2.0 requires; fails on POST. */
public class PixelHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    static final byte[] PIXEL = {0, 1, 2, (byte) 255};

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        if (event.getRequestContext().getHttp().getMethod().equals("POST")) {
            throw new IllegalStateException("pixels are read-only");
        }
        return APIGatewayV2HTTPResponse.builder()
                .withStatusCode(200)
                .withHeaders(Map.of("content-type", "image/gif"))
                .withBody(Base64.getEncoder().encodeToString(PIXEL))
                .withIsBase64Encoded(true)
                .build();
    }
}
