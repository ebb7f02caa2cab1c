package dev.fleetpress.localcloud.checks;

import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.localcloud.template.FunctionSpec;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * The environment template.yaml gives each function is what its code reads: every variable the
 * code reads by name is set for some function, and each handler can be constructed from exactly its
 * function's environment (Globals merged in) plus the {@code AWS_REGION} Lambda adds.
 */
final class EnvironmentCheck {
    /** Set by the Lambda runtime itself, never by the template. */
    static final Set<String> LAMBDA_RUNTIME = Set.of("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_EXECUTION_ENV",
            "AWS_LAMBDA_FUNCTION_NAME", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "AWS_LAMBDA_FUNCTION_VERSION",
            "AWS_LAMBDA_INITIALIZATION_TYPE", "AWS_LAMBDA_LOG_GROUP_NAME", "AWS_LAMBDA_LOG_STREAM_NAME",
            "AWS_LAMBDA_LOG_FORMAT", "AWS_LAMBDA_LOG_LEVEL", "AWS_LAMBDA_RUNTIME_API", "AWS_ACCESS_KEY",
            "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_XRAY_CONTEXT_MISSING",
            "AWS_XRAY_DAEMON_ADDRESS", "LAMBDA_TASK_ROOT", "LAMBDA_RUNTIME_DIR", "_HANDLER", "_X_AMZN_TRACE_ID", "TZ");
    static final String REGION = "us-east-1";

    private static final Pattern READ = Pattern.compile(
            "(?:\\.(?:required|optional|optionalLong)|System\\.getenv)\\(\\s*\"([^\"]+)\"");

    private EnvironmentCheck() {
    }

    /**
     * Variables read in {@code sources} that no function's environment sets.
     *
     * @param sources Java source text keyed by its path under functions/src/main/java
     */
    static List<String> unsetVariables(Map<String, String> sources, List<FunctionSpec> functions) {
        Set<String> set = new LinkedHashSet<>();
        functions.forEach(f -> set.addAll(f.environment().keySet()));
        Map<String, Set<String>> readers = new TreeMap<>();
        sources.forEach((path, text) -> {
            Matcher read = READ.matcher(text);
            while (read.find()) {
                String name = read.group(1);
                if (!set.contains(name) && !LAMBDA_RUNTIME.contains(name)) {
                    readers.computeIfAbsent(name, n -> new LinkedHashSet<>()).add(path);
                }
            }
        });
        List<String> findings = new ArrayList<>();
        readers.forEach((name, paths) -> findings.add("environment variable " + name + " is read by " + paths
                + " under functions/src/main/java but template.yaml sets it for no function: add it to the "
                + "Environment.Variables of the function that runs this code (or to Globals.Function if all need it)"));
        return findings;
    }

    /** Constructs each function's handler with {@code Settings.of(<its template environment> + AWS_REGION)}. */
    static List<String> construction(List<FunctionSpec> functions, ClassLoader loader, DependencyFactory deps) {
        List<String> findings = new ArrayList<>();
        for (FunctionSpec function : functions) {
            Constructor<?> constructor;
            try {
                constructor = Class.forName(function.handlerClass(), false, loader)
                        .getConstructor(DependencyFactory.class, Settings.class);
            } catch (ClassNotFoundException | NoSuchMethodException e) {
                continue; // HandlerCheck reports handlers that cannot be found or lack this constructor
            }
            Map<String, String> environment = new HashMap<>(function.environment());
            environment.put("AWS_REGION", REGION);
            try {
                constructor.newInstance(deps, Settings.of(environment));
            } catch (InvocationTargetException e) {
                findings.add(failure(function, e.getCause()));
            } catch (ReflectiveOperationException e) {
                findings.add(function.logicalId() + ": cannot construct " + function.handlerClass() + ": " + e);
            }
        }
        return findings;
    }

    private static String failure(FunctionSpec function, Throwable cause) {
        String where = function.logicalId() + ": " + function.handlerClass() + "(DependencyFactory, Settings) failed ";
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof SdkClientException) {
                return where + "because it called AWS while being constructed (" + t.getMessage() + "); construction "
                        + "runs at cold start and SnapStart snapshot time, so build clients and adapters there and "
                        + "make the first call on the first request";
            }
        }
        return where + "with exactly the template's environment for it (" + new TreeMap<>(function.environment()).keySet()
                + " + AWS_REGION): " + cause + "; set the variable in " + function.logicalId()
                + "'s Environment.Variables in template.yaml (or Globals.Function), or stop requiring it";
    }
}
