package dev.fleetpress.localcloud.lambda;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.amazonaws.services.lambda.runtime.serialization.factories.JacksonFactory;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.localcloud.template.FunctionSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * Calls one handler class the way the Lambda Java runtime does: a {@link RequestStreamHandler}
 * gets the raw payload; a {@link RequestHandler} gets its input type deserialized by the runtime's
 * own serializers (the events library's for aws-lambda-java-events types, Jackson for POJOs) and its
 * output serialized the same way.
 */
final class HandlerAdapter {
    private final Class<?> handlerClass;
    private final Constructor<?> constructor;
    private final boolean takesDependencies;
    private final PojoSerializer<Object> input;
    private final Type outputType;
    private final ClassLoader loader;

    private HandlerAdapter(Class<?> handlerClass, Constructor<?> constructor, boolean takesDependencies,
                           PojoSerializer<Object> input, Type outputType, ClassLoader loader) {
        this.handlerClass = handlerClass;
        this.constructor = constructor;
        this.takesDependencies = takesDependencies;
        this.input = input;
        this.outputType = outputType;
        this.loader = loader;
    }

    static HandlerAdapter load(FunctionSpec function, ClassLoader loader) {
        Class<?> type;
        try {
            type = Class.forName(function.handlerClass(), false, loader);
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(function.logicalId() + ": handler class " + function.handlerClass()
                    + " is not on the classpath (template.yaml Handler says " + function.handlerClass() + "::"
                    + function.handlerMethod() + ")", e);
        }
        boolean stream = RequestStreamHandler.class.isAssignableFrom(type);
        if (!stream && !RequestHandler.class.isAssignableFrom(type)) {
            throw new IllegalStateException(function.logicalId() + ": " + type.getName()
                    + " implements neither RequestHandler nor RequestStreamHandler; localcloud invokes only those");
        }
        if (!function.handlerMethod().equals("handleRequest")) {
            throw new IllegalStateException(function.logicalId() + ": handler method " + function.handlerMethod()
                    + " is not handleRequest; localcloud invokes the RequestHandler/RequestStreamHandler method only");
        }
        Constructor<?> constructor;
        boolean takesDependencies;
        try {
            constructor = type.getConstructor(DependencyFactory.class, Settings.class);
            takesDependencies = true;
        } catch (NoSuchMethodException e) {
            try {
                constructor = type.getConstructor();
                takesDependencies = false;
            } catch (NoSuchMethodException none) {
                throw new IllegalStateException(function.logicalId() + ": " + type.getName()
                        + " has neither a public (DependencyFactory, Settings) constructor nor a public no-arg one", none);
            }
        }
        if (stream) {
            return new HandlerAdapter(type, constructor, takesDependencies, null, null, loader);
        }
        Type[] io = requestHandlerTypes(type);
        return new HandlerAdapter(type, constructor, takesDependencies, serializer(io[0], loader), io[1], loader);
    }

    Object newInstance(DependencyFactory dependencies, Settings settings) throws Exception {
        try {
            return takesDependencies ? constructor.newInstance(dependencies, settings) : constructor.newInstance();
        } catch (InvocationTargetException e) {
            throw unwrap(e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    byte[] handle(Object handler, byte[] payload, Context context) throws Exception {
        if (handler instanceof RequestStreamHandler streamHandler) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            streamHandler.handleRequest(new ByteArrayInputStream(payload), out, context);
            return out.toByteArray();
        }
        Object event = input.fromJson(new ByteArrayInputStream(payload));
        Object result = ((RequestHandler) handler).handleRequest(event, context);
        if (result == null) {
            return "null".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        Type declared = outputType instanceof Class<?> c && c != Object.class ? outputType : result.getClass();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        serializer(declared, loader).toJson(result, out);
        return out.toByteArray();
    }

    Class<?> handlerClass() {
        return handlerClass;
    }

    /** The runtime's choice: the events library's serializer for its own types, Jackson for everything else. */
    @SuppressWarnings("unchecked")
    private static PojoSerializer<Object> serializer(Type type, ClassLoader loader) {
        Class<?> raw = type instanceof Class<?> c ? c
                : type instanceof ParameterizedType p ? (Class<?>) p.getRawType() : Object.class;
        if (LambdaEventSerializers.isLambdaSupportedEvent(raw.getName())) {
            return (PojoSerializer<Object>) LambdaEventSerializers.serializerFor(raw, loader);
        }
        return type instanceof Class<?> ? (PojoSerializer<Object>) JacksonFactory.getInstance().getSerializer(raw)
                : JacksonFactory.getInstance().getSerializer(type);
    }

    /** I and O of {@code RequestHandler<I, O>}, found on the class or its superclasses ({@code Object} when unbound). */
    private static Type[] requestHandlerTypes(Class<?> type) {
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Type implemented : c.getGenericInterfaces()) {
                if (implemented instanceof ParameterizedType p && p.getRawType() == RequestHandler.class) {
                    Type[] args = p.getActualTypeArguments();
                    return new Type[] {concrete(args[0]), concrete(args[1])};
                }
            }
        }
        return new Type[] {Object.class, Object.class};
    }

    private static Type concrete(Type type) {
        return type instanceof Class<?> || type instanceof ParameterizedType ? type : Object.class;
    }

    private static Exception unwrap(InvocationTargetException e) {
        Throwable cause = e.getCause();
        if (cause instanceof Exception ex) {
            return ex;
        }
        if (cause instanceof Error error) {
            throw error;
        }
        return e;
    }
}
