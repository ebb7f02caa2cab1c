package dev.fleetpress.cli.bench;

import com.amazonaws.services.lambda.runtime.ClientContext;
import com.amazonaws.services.lambda.runtime.CognitoIdentity;
import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.management.ManagementFactory;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One cold start in a fresh JVM, as the Lambda Java runtime does it: load and construct the handler
 * (no-arg constructor, environment from the process), deserialize one event with the runtime's
 * serializer, handle it. Prints one line: init ms, invoke ms, loaded classes, peak RSS, output.
 */
public final class ColdStartChild {
    private ColdStartChild() {
    }

    public static void main(String[] args) throws Exception {
        String handlerClass = args[0];
        byte[] event = Files.readAllBytes(Path.of(args[1]));
        long t0 = System.nanoTime();
        Class<?> type = Class.forName(handlerClass);
        Object handler = type.getConstructor().newInstance();
        long t1 = System.nanoTime();
        String output;
        if (handler instanceof RequestStreamHandler stream) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            stream.handleRequest(new ByteArrayInputStream(event), out, new BenchContext());
            output = out.toString(StandardCharsets.UTF_8);
        } else {
            output = invoke((RequestHandler<?, ?>) handler, type, event);
        }
        long t2 = System.nanoTime();
        System.out.printf("RESULT init_ms=%.1f invoke_ms=%.1f classes=%d rss_kb=%d output=%s%n",
                (t1 - t0) / 1e6, (t2 - t1) / 1e6,
                ManagementFactory.getClassLoadingMXBean().getTotalLoadedClassCount(), peakRssKb(),
                output.replaceAll("\\s+", " ").substring(0, Math.min(120, output.length())));
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static String invoke(RequestHandler handler, Class<?> type, byte[] event) {
        Class<?> in = Object.class;
        Class<?> out = Object.class;
        for (Type t : type.getGenericInterfaces()) {
            if (t instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                in = (Class<?>) p.getActualTypeArguments()[0];
                out = (Class<?>) p.getActualTypeArguments()[1];
            }
        }
        ClassLoader cl = type.getClassLoader();
        PojoSerializer inSer = LambdaEventSerializers.serializerFor(in, cl);
        PojoSerializer outSer = LambdaEventSerializers.serializerFor(out, cl);
        Object result = handler.handleRequest(inSer.fromJson(new ByteArrayInputStream(event)), new BenchContext());
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        outSer.toJson(result, buf);
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }

    private static final class BenchContext implements Context {
        @Override public String getAwsRequestId() { return "bench-request"; }
        @Override public String getLogGroupName() { return "/aws/lambda/bench"; }
        @Override public String getLogStreamName() { return "bench"; }
        @Override public String getFunctionName() { return "bench"; }
        @Override public String getFunctionVersion() { return "$LATEST"; }
        @Override public String getInvokedFunctionArn() { return "arn:aws:lambda:us-east-1:000000000000:function:bench"; }
        @Override public CognitoIdentity getIdentity() { return null; }
        @Override public ClientContext getClientContext() { return null; }
        @Override public int getRemainingTimeInMillis() { return 10_000; }
        @Override public int getMemoryLimitInMB() { return 1024; }
        @Override public LambdaLogger getLogger() {
            return new LambdaLogger() {
                @Override public void log(String message) { System.out.println(message); }
                @Override public void log(byte[] message) { System.out.println(new String(message, StandardCharsets.UTF_8)); }
            };
        }
    }
}
