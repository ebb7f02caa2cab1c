package dev.fleetpress.localcloud.ssm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.json.Json;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.ssm.model.ParameterAlreadyExistsException;
import software.amazon.awssdk.services.ssm.model.ParameterNotFoundException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/** LocalSsm's "Parameter Store Change" EventBridge events, one per successful write, never with the value. */
class ParameterChangeEventsTest {
    private static final String NAME = "/fleetpress/fleetpress-local/config/production/DB_NAME";

    @TempDir
    Path dataDir;

    private LocalSsm ssm;
    private final List<String> events = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() {
        ssm = LocalSsm.open(dataDir);
        ssm.publishChangeEvents(events::add);
    }

    private List<Json.Node> parsed() {
        return events.stream().map(Json::parse).toList();
    }

    @Test
    void putParameter_whenNew_publishesCreateInAwsShape() {
        ssm.putParameter(b -> b.name(NAME).value("wordpress").type(ParameterType.STRING).description("the database"));

        assertThat(parsed()).singleElement().satisfies(e -> {
            assertThat(e.fields().keySet()).containsExactly("version", "id", "detail-type", "source", "account", "time",
                    "region", "resources", "detail");
            assertThat(e.text("version")).isEqualTo("0");
            assertThat(e.text("id")).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
            assertThat(e.text("detail-type")).isEqualTo("Parameter Store Change");
            assertThat(e.text("source")).isEqualTo("aws.ssm");
            assertThat(e.text("account")).isEqualTo("000000000000");
            assertThat(e.text("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
            assertThat(e.text("region")).isEqualTo("us-east-1");
            assertThat(e.get("resources").elements()).extracting(Json.Node::asText)
                    .containsExactly("arn:aws:ssm:us-east-1:000000000000:parameter" + NAME);
            assertThat(e.get("detail").fields().keySet()).containsExactly("operation", "name", "type", "description");
            assertThat(e.text("detail", "operation")).isEqualTo("Create");
            assertThat(e.text("detail", "name")).isEqualTo(NAME);
            assertThat(e.text("detail", "type")).isEqualTo("String");
            assertThat(e.text("detail", "description")).isEqualTo("the database");
        });
    }

    @Test
    void putParameter_whenOverwritingWithoutDescription_publishesUpdateWithTheKeptDescription() {
        ssm.putParameter(b -> b.name(NAME).value("one").type(ParameterType.STRING).description("kept"));
        ssm.putParameter(b -> b.name(NAME).value("two").overwrite(true));

        assertThat(parsed()).extracting(e -> e.text("detail", "operation") + " " + e.text("detail", "description"))
                .containsExactly("Create kept", "Update kept");
    }

    @Test
    void putParameter_whenNoDescription_publishesAnEmptyOne() {
        ssm.putParameter(b -> b.name(NAME).value("one").type(ParameterType.STRING));

        assertThat(parsed().get(0).text("detail", "description")).isEmpty();
    }

    @Test
    void putParameter_whenNameHasNoLeadingSlash_namesItAsGivenAndTheArnWithOneSlash() {
        ssm.putParameter(b -> b.name("plain").value("v").type(ParameterType.STRING));

        Json.Node e = parsed().get(0);
        assertThat(e.text("detail", "name")).isEqualTo("plain");
        assertThat(e.get("resources").elements().get(0).asText()).isEqualTo("arn:aws:ssm:us-east-1:000000000000:parameter/plain");
    }

    @Test
    void putParameter_whenSecureString_neverPutsTheValueOrItsCiphertextInTheEvent() {
        ssm.putParameter(b -> b.name("/fp/db/password").value("s3cret-value").type(ParameterType.SECURE_STRING));
        ssm.putParameter(b -> b.name("/fp/db/password").value("n3w-s3cret").overwrite(true));

        assertThat(events).hasSize(2).noneMatch(e -> e.contains("s3cret"));
        assertThat(parsed()).allSatisfy(e -> {
            assertThat(e.text("detail", "type")).isEqualTo("SecureString");
            assertThat(e.find("detail", "value")).isEmpty();
        });
    }

    @Test
    void putParameter_whenItFails_publishesNothing() {
        ssm.putParameter(b -> b.name(NAME).value("one").type(ParameterType.STRING));
        events.clear();

        assertThatThrownBy(() -> ssm.putParameter(b -> b.name(NAME).value("two").type(ParameterType.STRING)))
                .isInstanceOf(ParameterAlreadyExistsException.class);
        assertThat(events).isEmpty();
    }

    @Test
    void putParameter_whenTheSinkFails_keepsTheWriteAndAnswersNormally() {
        ssm.publishChangeEvents(event -> {
            throw new IllegalStateException("event bus backlog is full");
        });

        long version = ssm.putParameter(b -> b.name(NAME).value("kept").type(ParameterType.STRING)).version();

        assertThat(version).isEqualTo(1);
        assertThat(LocalSsm.open(dataDir).getParameter(b -> b.name(NAME)).parameter().value()).isEqualTo("kept");
    }

    @Test
    void putParameter_whenTheEventArrives_theChangeIsAlreadyDurableForAnotherReader() {
        List<String> seenBySink = new CopyOnWriteArrayList<>();
        ssm.publishChangeEvents(event -> seenBySink.add(
                LocalSsm.open(dataDir).getParameter(b -> b.name(NAME)).parameter().value()));

        ssm.putParameter(b -> b.name(NAME).value("on-disk").type(ParameterType.STRING));

        assertThat(seenBySink).containsExactly("on-disk");
    }

    @Test
    void deleteParameter_publishesDeleteWithTheDeletedType() {
        ssm.putParameter(b -> b.name("/fp/list").value("a,b").type(ParameterType.STRING_LIST).description("d"));
        events.clear();

        ssm.deleteParameter(b -> b.name("/fp/list"));

        assertThat(parsed()).singleElement().satisfies(e -> {
            assertThat(e.text("detail", "operation")).isEqualTo("Delete");
            assertThat(e.text("detail", "type")).isEqualTo("StringList");
            assertThat(e.text("detail", "description")).isEqualTo("d");
        });
    }

    @Test
    void deleteParameter_whenMissing_publishesNothing() {
        assertThatThrownBy(() -> ssm.deleteParameter(b -> b.name("/fp/missing"))).isInstanceOf(ParameterNotFoundException.class);
        assertThat(events).isEmpty();
    }

    @Test
    void deleteParameters_publishesOneDeletePerDeletedNameOnly() {
        ssm.putParameter(b -> b.name("/fp/a").value("1").type(ParameterType.STRING));
        ssm.putParameter(b -> b.name("/fp/b").value("2").type(ParameterType.STRING));
        events.clear();

        ssm.deleteParameters(b -> b.names("/fp/a", "/fp/missing", "/fp/b"));

        assertThat(parsed()).extracting(e -> e.text("detail", "operation") + " " + e.text("detail", "name"))
                .containsExactly("Delete /fp/a", "Delete /fp/b");
    }

    @Test
    void labelParameterVersion_publishesLabelParameterVersion() {
        ssm.putParameter(b -> b.name(NAME).value("one").type(ParameterType.STRING));
        events.clear();

        ssm.labelParameterVersion(b -> b.name(NAME).labels("live"));

        assertThat(parsed()).singleElement().satisfies(e -> {
            assertThat(e.text("detail", "operation")).isEqualTo("LabelParameterVersion");
            assertThat(e.text("detail", "name")).isEqualTo(NAME);
        });
    }

    @Test
    void labelParameterVersion_whenEveryLabelIsInvalid_changesNothingAndPublishesNothing() {
        ssm.putParameter(b -> b.name(NAME).value("one").type(ParameterType.STRING));
        events.clear();

        ssm.labelParameterVersion(b -> b.name(NAME).labels("1-starts-with-a-digit"));

        assertThat(events).isEmpty();
    }

    @Test
    void publishChangeEvents_whenNeverCalled_writesWithoutPublishing() {
        LocalSsm quiet = LocalSsm.open(dataDir.resolve("quiet"));

        quiet.putParameter(b -> b.name(NAME).value("one").type(ParameterType.STRING));

        assertThat(events).isEmpty();
    }
}
