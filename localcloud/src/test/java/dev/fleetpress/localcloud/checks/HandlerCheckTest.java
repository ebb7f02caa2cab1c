package dev.fleetpress.localcloud.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestStreamHandler;
import dev.fleetpress.Settings;
import dev.fleetpress.aws.DependencyFactory;
import dev.fleetpress.localcloud.template.Template;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandlerCheckTest {
    private final HandlerCheck check = new HandlerCheck(HandlerCheckTest.class.getClassLoader());

    private static Template withHandler(String handler) {
        return Template.parse("""
                Resources:
                  ThingFunction:
                    Type: AWS::Serverless::Function
                    Properties:
                      Handler: %s
                """.formatted(handler), Repo.STACK);
    }

    @Test
    void check_whenRepoTemplate_findsNothing() {
        Repo.assertNoFindings(check.check(Repo.template()));
    }

    @Test
    void check_whenHandlerIsWellFormed_findsNothing() {
        assertThat(check.check(withHandler(WellFormed.class.getName() + "::handleRequest"))).isEmpty();
    }

    @Test
    void check_whenClassIsMissing_reportsClasspath() {
        List<String> findings = check.check(withHandler("dev.fleetpress.nowhere.GhostHandler::handleRequest"));

        assertThat(findings).singleElement().asString()
                .contains("ThingFunction", "dev.fleetpress.nowhere.GhostHandler is not on the classpath");
    }

    @Test
    void check_whenClassIsNoHandler_reportsInterface() {
        assertThat(check.check(withHandler(NotAHandler.class.getName() + "::handleRequest")))
                .anySatisfy(f -> assertThat(f).contains("implements neither RequestHandler nor RequestStreamHandler"));
    }

    @Test
    void check_whenFactoryConstructorIsMissing_reportsIt() {
        assertThat(check.check(withHandler(LambdaOnly.class.getName() + "::handleRequest")))
                .singleElement().asString().contains("no public (DependencyFactory, Settings) constructor");
    }

    @Test
    void check_whenNoArgConstructorIsMissing_reportsIt() {
        assertThat(check.check(withHandler(LocalOnly.class.getName() + "::handleRequest")))
                .singleElement().asString().contains("no public no-arg constructor");
    }

    @Test
    void check_whenMethodIsMisspelled_reportsMethod() {
        assertThat(check.check(withHandler(WellFormed.class.getName() + "::handle")))
                .singleElement().asString().contains("no public instance method handle;");
    }

    public static final class WellFormed implements RequestStreamHandler {
        public WellFormed() {
        }

        public WellFormed(DependencyFactory deps, Settings settings) {
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) {
        }
    }

    public static final class NotAHandler {
        public NotAHandler() {
        }

        public NotAHandler(DependencyFactory deps, Settings settings) {
        }

        public void handleRequest(InputStream input, OutputStream output, Context context) {
        }
    }

    public static final class LambdaOnly implements RequestStreamHandler {
        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) {
        }
    }

    public static final class LocalOnly implements RequestStreamHandler {
        public LocalOnly(DependencyFactory deps, Settings settings) {
        }

        @Override
        public void handleRequest(InputStream input, OutputStream output, Context context) {
        }
    }
}
