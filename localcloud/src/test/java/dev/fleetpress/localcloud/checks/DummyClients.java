package dev.fleetpress.localcloud.checks;

import dev.fleetpress.aws.DependencyFactory;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.utils.builder.SdkBuilder;

/**
 * A {@link DependencyFactory} over real SDK clients pointed at the discard port of loopback, with
 * static credentials: constructing a handler with it proves the wiring without reaching AWS, and a
 * handler that calls AWS while being constructed fails at once with a connection error.
 *
 * <p>{@code DependencyFactory.of} gains a parameter per client as functions are added, so the
 * clients are built from its parameter types rather than named here.
 */
final class DummyClients implements AutoCloseable {
    static final URI ENDPOINT = URI.create("http://127.0.0.1:9");

    private final SdkHttpClient http = UrlConnectionHttpClient.create();
    private final List<SdkClient> clients = new ArrayList<>();
    private final DependencyFactory factory;

    DummyClients() {
        Method of = Arrays.stream(DependencyFactory.class.getMethods())
                .filter(m -> m.getName().equals("of") && Modifier.isStatic(m.getModifiers()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("DependencyFactory has no public static of(...clients)"));
        Object[] arguments = Arrays.stream(of.getParameterTypes()).map(this::client).toArray();
        try {
            factory = (DependencyFactory) of.invoke(null, arguments);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot call DependencyFactory.of: " + e, e);
        }
    }

    DependencyFactory factory() {
        return factory;
    }

    private SdkClient client(Class<?> type) {
        Object builder;
        try {
            builder = type.getMethod("builder").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("DependencyFactory.of takes " + type.getName()
                    + ", which is not an AWS SDK client with a static builder()", e);
        }
        ((AwsClientBuilder<?, ?>) builder)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("checks", "checks")))
                .endpointOverride(ENDPOINT);
        ((SdkSyncClientBuilder<?, ?>) builder).httpClient(http);
        SdkClient client = (SdkClient) ((SdkBuilder<?, ?>) builder).build();
        clients.add(client);
        return client;
    }

    @Override
    public void close() {
        clients.forEach(SdkClient::close);
        http.close();
    }
}
