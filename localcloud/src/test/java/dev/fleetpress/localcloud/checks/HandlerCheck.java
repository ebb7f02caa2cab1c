package dev.fleetpress.localcloud.checks;

import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.Template;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Every function's {@code Handler} names a class that Lambda can run and localcloud can wire: it is
 * on the classpath, implements {@link RequestHandler} or {@link RequestStreamHandler}, has the public
 * no-arg constructor Lambda calls and the public {@code (DependencyFactory, Settings)} one localcloud
 * and the CLI call, and has the public method named after {@code ::}.
 */
final class HandlerCheck {
    private final ClassLoader loader;

    HandlerCheck(ClassLoader loader) {
        this.loader = loader;
    }

    List<String> check(Template template) {
        List<String> findings = new ArrayList<>();
        for (FunctionSpec function : template.functions()) {
            findings.addAll(check(function));
        }
        return findings;
    }

    private List<String> check(FunctionSpec function) {
        String where = function.logicalId() + ": Handler " + function.handlerClass() + "::" + function.handlerMethod();
        Class<?> type;
        try {
            type = Class.forName(function.handlerClass(), false, loader);
        } catch (ClassNotFoundException | LinkageError e) {
            return List.of(where + ": class " + function.handlerClass() + " is not on the classpath; fix Handler in "
                    + "template.yaml or add the class to functions/src/main/java");
        }
        List<String> findings = new ArrayList<>();
        if (!RequestHandler.class.isAssignableFrom(type) && !RequestStreamHandler.class.isAssignableFrom(type)) {
            findings.add(where + ": the class implements neither RequestHandler nor RequestStreamHandler; "
                    + "Lambda's Java runtime and localcloud invoke only those");
        }
        if (!Modifier.isPublic(type.getModifiers())) {
            findings.add(where + ": the class is not public; Lambda cannot instantiate it");
        }
        if (!hasPublicConstructor(type)) {
            findings.add(where + ": no public no-arg constructor; Lambda constructs the handler with it "
                    + "(delegate to this(DependencyFactory.lambda(), Settings.fromSystem()))");
        }
        if (!hasPublicConstructor(type, DependencyFactory.class, Settings.class)) {
            findings.add(where + ": no public (DependencyFactory, Settings) constructor; localcloud and the CLI "
                    + "construct the handler with their own clients and the template's environment through it");
        }
        boolean hasMethod = Arrays.stream(type.getMethods())
                .anyMatch(m -> m.getName().equals(function.handlerMethod()) && !m.isBridge() && !isStatic(m));
        if (!hasMethod) {
            findings.add(where + ": the class has no public instance method " + function.handlerMethod()
                    + "; fix the part after :: in Handler");
        }
        return findings;
    }

    private static boolean hasPublicConstructor(Class<?> type, Class<?>... parameters) {
        try {
            type.getConstructor(parameters);
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean isStatic(Method method) {
        return Modifier.isStatic(method.getModifiers());
    }
}
