package dev.fleetpress.localcloud.lambda;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.localcloud.template.FunctionSpec;
import dev.fleetpress.localcloud.template.StackContext;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Lambda for localcloud: invokes the template's handler classes in this JVM the way the Lambda Java
 * runtime does.
 *
 * <p>Each function has execution environments. An environment is created on demand (a cold start:
 * the handler is constructed through its public {@code (DependencyFactory, Settings)} constructor,
 * or its no-arg one when it declares no such constructor, with the function's environment plus the
 * runtime's variables), then reused. Concurrent invocations get more environments, up to
 * {@code maxConcurrency} per function; beyond that invocations wait for a free environment, as
 * Lambda's asynchronous queue does (synchronous throttling is not modelled). Each invocation runs on
 * its environment's own thread and is bounded by the function's Timeout: on timeout the result
 * carries a {@link LambdaTimeoutException} and the environment is discarded, so the next invocation
 * starts cold, as on Lambda. Initialization is bounded by Lambda's 10-second init limit.
 *
 * <p>Thread-safe. Recent invocations stay inspectable through {@link #recentInvocations()}.
 */
public final class LocalLambda implements AutoCloseable {
    /** Lambda's limit on the init phase of an on-demand function. */
    static final Duration INIT_TIMEOUT = Duration.ofSeconds(10);
    private static final DateTimeFormatter STREAM_DATE = DateTimeFormatter.ofPattern("yyyy/MM/dd");

    private final Map<String, Function> functions = new LinkedHashMap<>();
    private final DependencyFactory dependencies;
    private final StackContext stack;
    private final ClassLoader loader;
    private final LambdaLogger logger;
    private final int historySize;
    private final Deque<InvocationResult> history = new ConcurrentLinkedDeque<>();
    private final AtomicInteger environmentNumber = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idleSignal = new Object();

    /** A Lambda with the defaults of {@link #builder}: the local stack, 4 environments per function, logs to stdout. */
    public LocalLambda(List<FunctionSpec> functions, DependencyFactory dependencies) {
        this(new Builder(functions, dependencies));
    }

    private LocalLambda(Builder b) {
        this.dependencies = b.dependencies;
        this.stack = b.stack;
        this.loader = b.loader;
        this.logger = new StdoutLogger(b.log);
        this.historySize = b.historySize;
        for (FunctionSpec spec : b.functions) {
            functions.put(spec.logicalId(), new Function(spec, b.maxConcurrency));
        }
    }

    /** A Lambda for these functions whose handlers get clients from {@code dependencies}. */
    public static Builder builder(List<FunctionSpec> functions, DependencyFactory dependencies) {
        return new Builder(functions, dependencies);
    }

    /**
     * Invokes {@code functionLogicalId} synchronously with {@code payload} (the event JSON) and
     * reports the outcome; handler errors and timeouts are in the result, never thrown.
     *
     * @throws IllegalArgumentException when no such function exists
     */
    public InvocationResult invoke(String functionLogicalId, String payload) {
        Function function = functions.get(functionLogicalId);
        if (function == null) {
            throw new IllegalArgumentException("no function " + functionLogicalId + " in the template; functions: "
                    + functions.keySet());
        }
        String requestId = UUID.randomUUID().toString();
        inFlight.incrementAndGet();
        try {
            function.concurrency.acquire();
            try {
                return record(function.invoke(requestId, payload.getBytes(StandardCharsets.UTF_8)));
            } finally {
                function.concurrency.release();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return record(new InvocationResult(functionLogicalId, requestId, null, e, Duration.ZERO, false, Duration.ZERO));
        } finally {
            if (inFlight.decrementAndGet() == 0) {
                synchronized (idleSignal) {
                    idleSignal.notifyAll();
                }
            }
        }
    }

    /**
     * Waits until no invocation is running or waiting for an environment.
     *
     * @return true when idle, false when {@code timeout} passed first
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (idleSignal) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(idleSignal, left);
            }
            return true;
        }
    }

    /** The most recent invocations, oldest first (up to the configured history size). */
    public List<InvocationResult> recentInvocations() {
        return Collections.unmodifiableList(new ArrayList<>(history));
    }

    /** How many execution environments {@code functionLogicalId} has created so far (cold starts). */
    public int environmentsCreated(String functionLogicalId) {
        Function function = functions.get(functionLogicalId);
        return function == null ? 0 : function.created.get();
    }

    /** Discards every execution environment. */
    @Override
    public void close() {
        functions.values().forEach(Function::close);
    }

    private InvocationResult record(InvocationResult result) {
        history.addLast(result);
        while (history.size() > historySize) {
            history.pollFirst();
        }
        return result;
    }

    /** One function: its handler adapter (loaded on first use) and its pool of idle environments. */
    private final class Function {
        private final FunctionSpec spec;
        private final Semaphore concurrency;
        private final Deque<Environment> idle = new ConcurrentLinkedDeque<>();
        private final AtomicInteger created = new AtomicInteger();
        private volatile HandlerAdapter adapter;

        Function(FunctionSpec spec, int maxConcurrency) {
            this.spec = spec;
            this.concurrency = new Semaphore(maxConcurrency, true);
        }

        InvocationResult invoke(String requestId, byte[] payload) {
            String id = spec.logicalId();
            Environment environment = idle.pollFirst();
            boolean cold = environment == null;
            Duration init = Duration.ZERO;
            if (cold) {
                long start = System.nanoTime();
                try {
                    environment = newEnvironment();
                } catch (Exception e) {
                    return new InvocationResult(id, requestId, null, e, Duration.ZERO, true, Duration.ofNanos(System.nanoTime() - start));
                }
                init = Duration.ofNanos(System.nanoTime() - start);
            }
            long deadline = System.currentTimeMillis() + spec.timeout().toMillis();
            LocalContext context = new LocalContext(requestId, spec.functionName(),
                    "arn:" + stack.partition() + ":lambda:" + stack.region() + ":" + stack.accountId() + ":function:"
                            + spec.functionName(),
                    "/aws/lambda/" + spec.functionName(), environment.logStream, spec.memorySizeMb(), deadline, logger);
            Environment env = environment;
            long start = System.nanoTime();
            Future<byte[]> running = env.thread.submit(() -> adapter.handle(env.handler, payload, context));
            try {
                byte[] output = running.get(spec.timeout().toMillis(), TimeUnit.MILLISECONDS);
                idle.addFirst(env);
                return new InvocationResult(id, requestId, new String(output, StandardCharsets.UTF_8), null,
                        Duration.ofNanos(System.nanoTime() - start), cold, init);
            } catch (TimeoutException e) {
                running.cancel(true);
                env.close();
                return new InvocationResult(id, requestId, null, new LambdaTimeoutException(requestId, spec.timeout()),
                        spec.timeout(), cold, init);
            } catch (ExecutionException e) {
                Throwable error = e.getCause();
                if (error instanceof Error) {
                    env.close(); // the runtime exits on an Error; the environment does not survive it
                } else {
                    idle.addFirst(env);
                }
                return new InvocationResult(id, requestId, null, error, Duration.ofNanos(System.nanoTime() - start), cold, init);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running.cancel(true);
                env.close();
                return new InvocationResult(id, requestId, null, e, Duration.ofNanos(System.nanoTime() - start), cold, init);
            }
        }

        private Environment newEnvironment() throws Exception {
            if (adapter == null) {
                adapter = HandlerAdapter.load(spec, loader);
            }
            int number = environmentNumber.incrementAndGet();
            ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "lambda-" + spec.logicalId() + "-" + number);
                t.setDaemon(true);
                t.setContextClassLoader(loader);
                return t;
            });
            Future<Object> construction = thread.submit(() -> adapter.newInstance(dependencies, Settings.of(environmentVariables())));
            try {
                Object handler = construction.get(INIT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                created.incrementAndGet();
                String stream = LocalDate.now(ZoneOffset.UTC).format(STREAM_DATE) + "/[$LATEST]"
                        + UUID.randomUUID().toString().replace("-", "");
                return new Environment(handler, thread, stream);
            } catch (TimeoutException e) {
                thread.shutdownNow();
                throw new IllegalStateException(spec.logicalId() + ": handler construction took longer than Lambda's "
                        + INIT_TIMEOUT.toSeconds() + " s init limit", e);
            } catch (ExecutionException e) {
                thread.shutdownNow();
                Throwable cause = e.getCause();
                throw cause instanceof Exception ex ? ex : new IllegalStateException(cause);
            }
        }

        /** The template's variables plus the ones the Lambda runtime sets (which a template cannot override). */
        private Map<String, String> environmentVariables() {
            Map<String, String> env = new HashMap<>(spec.environment());
            env.put("AWS_REGION", stack.region());
            env.put("AWS_DEFAULT_REGION", stack.region());
            env.put("AWS_LAMBDA_FUNCTION_NAME", spec.functionName());
            env.put("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST");
            env.put("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", Integer.toString(spec.memorySizeMb()));
            env.put("AWS_LAMBDA_LOG_GROUP_NAME", "/aws/lambda/" + spec.functionName());
            return env;
        }

        void close() {
            Environment environment;
            while ((environment = idle.pollFirst()) != null) {
                environment.close();
            }
        }
    }

    private record Environment(Object handler, ExecutorService thread, String logStream) {
        void close() {
            thread.shutdownNow();
        }
    }

    /** Configures a {@link LocalLambda}. */
    public static final class Builder {
        private final List<FunctionSpec> functions;
        private final DependencyFactory dependencies;
        private StackContext stack = StackContext.local();
        private ClassLoader loader = LocalLambda.class.getClassLoader();
        private PrintStream log = System.out;
        private int maxConcurrency = 4;
        private int historySize = 500;

        private Builder(List<FunctionSpec> functions, DependencyFactory dependencies) {
            this.functions = List.copyOf(functions);
            this.dependencies = Objects.requireNonNull(dependencies, "dependencies");
        }

        /** Region, account and partition of the function ARNs and AWS_REGION (default: the local stack). */
        public Builder stack(StackContext stack) {
            this.stack = Objects.requireNonNull(stack, "stack");
            return this;
        }

        /** Where handler classes are loaded from (default: localcloud's own class loader). */
        public Builder classLoader(ClassLoader loader) {
            this.loader = Objects.requireNonNull(loader, "loader");
            return this;
        }

        /** Where {@code context.getLogger()} writes (default: standard output). */
        public Builder log(PrintStream log) {
            this.log = Objects.requireNonNull(log, "log");
            return this;
        }

        /** Execution environments per function (default 4). */
        public Builder maxConcurrency(int maxConcurrency) {
            if (maxConcurrency < 1) {
                throw new IllegalArgumentException("maxConcurrency must be >= 1, got " + maxConcurrency);
            }
            this.maxConcurrency = maxConcurrency;
            return this;
        }

        /** How many recent invocations to keep (default 500). */
        public Builder historySize(int historySize) {
            if (historySize < 0) {
                throw new IllegalArgumentException("historySize must be >= 0, got " + historySize);
            }
            this.historySize = historySize;
            return this;
        }

        public LocalLambda build() {
            return new LocalLambda(this);
        }
    }
}
