package dev.fleetpress.localcloud.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.concurrent.CyclicBarrier;

/** Waits until two invocations run at once, which proves two execution environments exist. */
public class RendezvousHandler implements RequestStreamHandler {
    static final CyclicBarrier BOTH_RUNNING = new CyclicBarrier(2);

    @Override
    public void handleRequest(InputStream input, OutputStream output, Context context) throws java.io.IOException {
        try {
            BOTH_RUNNING.await();
        } catch (Exception e) {
            throw new java.io.IOException("the second invocation never ran alongside", e);
        }
        output.write("{}".getBytes());
    }
}
