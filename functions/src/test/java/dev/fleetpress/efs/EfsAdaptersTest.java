package dev.fleetpress.efs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.fleetpress.aws.CloudWatchAlarmStates;
import dev.fleetpress.aws.CloudWatchCreditMetrics;
import dev.fleetpress.aws.EfsFileSystems;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsRequest;
import software.amazon.awssdk.services.cloudwatch.model.DescribeAlarmsResponse;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricAlarm;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;
import software.amazon.awssdk.services.efs.EfsClient;
import software.amazon.awssdk.services.efs.model.DescribeFileSystemsRequest;
import software.amazon.awssdk.services.efs.model.DescribeFileSystemsResponse;
import software.amazon.awssdk.services.efs.model.FileSystemDescription;
import software.amazon.awssdk.services.efs.model.FileSystemNotFoundException;
import software.amazon.awssdk.services.efs.model.FileSystemSize;
import software.amazon.awssdk.services.efs.model.InternalServerErrorException;
import software.amazon.awssdk.services.efs.model.TooManyRequestsException;
import software.amazon.awssdk.services.efs.model.UpdateFileSystemRequest;
import software.amazon.awssdk.services.efs.model.UpdateFileSystemResponse;

/** The EFS and CloudWatch adapters map the services' answers to this package's, over small client stand-ins. */
class EfsAdaptersTest {
    private static final String FS = "fs-0123456789abcdef0";

    /** An EfsClient whose calls answer or throw what a test says, recording the update requests. */
    private static EfsClient efs(RuntimeException failure, List<UpdateFileSystemRequest> updates) {
        return new EfsClient() {
            @Override
            public DescribeFileSystemsResponse describeFileSystems(DescribeFileSystemsRequest request) {
                if (failure != null) {
                    throw failure;
                }
                return DescribeFileSystemsResponse.builder().fileSystems(FileSystemDescription.builder()
                        .fileSystemId(request.fileSystemId()).throughputMode("provisioned").provisionedThroughputInMibps(64.0)
                        .sizeInBytes(FileSystemSize.builder().value(5_000_000L).build()).build()).build();
            }

            @Override
            public UpdateFileSystemResponse updateFileSystem(UpdateFileSystemRequest request) {
                updates.add(request);
                if (failure != null) {
                    throw failure;
                }
                return UpdateFileSystemResponse.builder().build();
            }

            @Override
            public String serviceName() {
                return "elasticfilesystem";
            }

            @Override
            public void close() {
            }
        };
    }

    private static TooManyRequestsException tooManyRequests(String message) {
        return (TooManyRequestsException) TooManyRequestsException.builder().statusCode(429).errorCode("TooManyRequests")
                .awsErrorDetails(AwsErrorDetails.builder().errorCode("TooManyRequests").errorMessage(message).build())
                .message(message).build();
    }

    @Test
    void describe_whenFound_readsModeThroughputAndSize() {
        FileSystemState state = EfsFileSystems.create(() -> efs(null, new ArrayList<>())).describe(FS).orElseThrow();

        assertThat(state).isEqualTo(new FileSystemState(FS, ThroughputMode.PROVISIONED, 64.0, 5_000_000L));
    }

    @Test
    void describe_whenNotFound_isEmpty() {
        RuntimeException missing = FileSystemNotFoundException.builder().statusCode(404).message("File system does not exist")
                .build();

        assertThat(EfsFileSystems.create(() -> efs(missing, new ArrayList<>())).describe(FS)).isEmpty();
    }

    @Test
    void change_whenAccepted_sendsTheModeAndProvisionedThroughput() {
        List<UpdateFileSystemRequest> updates = new ArrayList<>();

        FileSystems.ChangeResult result = EfsFileSystems.create(() -> efs(null, updates))
                .change(FS, ThroughputMode.PROVISIONED, 100);

        assertThat(result).isInstanceOf(FileSystems.Changed.class);
        assertThat(updates).singleElement().satisfies(u -> {
            assertThat(u.throughputModeAsString()).isEqualTo("provisioned");
            assertThat(u.provisionedThroughputInMibps()).isEqualTo(100.0);
        });
    }

    @Test
    void change_whenElastic_sendsNoProvisionedThroughput() {
        List<UpdateFileSystemRequest> updates = new ArrayList<>();

        EfsFileSystems.create(() -> efs(null, updates)).change(FS, ThroughputMode.ELASTIC, 0);

        assertThat(updates).singleElement().satisfies(u -> {
            assertThat(u.throughputModeAsString()).isEqualTo("elastic");
            assertThat(u.provisionedThroughputInMibps()).isNull();
        });
    }

    @Test
    void change_whenTooManyRequests_answersNotAllowedYetAtTheTimeEfsNames() {
        RuntimeException refused = tooManyRequests("You have reached the maximum number of throughput mode changes or "
                + "provisioned throughput value decreases. Wait until 2026-11-28T20:15:03Z UTC and try again.");

        FileSystems.ChangeResult result = EfsFileSystems.create(() -> efs(refused, new ArrayList<>()))
                .change(FS, ThroughputMode.ELASTIC, 0);

        assertThat(result).isInstanceOfSatisfying(FileSystems.NotAllowedYet.class, r -> {
            assertThat(r.allowedAt()).isEqualTo(Instant.parse("2026-11-28T20:15:03Z"));
            assertThat(r.message()).contains("Wait until");
        });
    }

    @Test
    void change_whenTooManyRequestsNamesNoTime_answersNotAllowedYetWithoutTime() {
        FileSystems.ChangeResult result = EfsFileSystems.create(() -> efs(tooManyRequests("Too many requests"),
                new ArrayList<>())).change(FS, ThroughputMode.BURSTING, 0);

        assertThat(result).isInstanceOfSatisfying(FileSystems.NotAllowedYet.class,
                r -> assertThat(r.allowedAt()).isEqualTo(Instant.EPOCH));
    }

    @Test
    void change_whenFileSystemNotFound_answersNotFound() {
        RuntimeException missing = FileSystemNotFoundException.builder().statusCode(404).message("File system does not exist")
                .build();

        assertThat(EfsFileSystems.create(() -> efs(missing, new ArrayList<>())).change(FS, ThroughputMode.ELASTIC, 0))
                .isInstanceOf(FileSystems.NotFound.class);
    }

    @Test
    void change_whenInternalServerError_throwsEfsBackendException() {
        RuntimeException broken = InternalServerErrorException.builder().statusCode(500).message("Internal error").build();

        assertThatThrownBy(() -> EfsFileSystems.create(() -> efs(broken, new ArrayList<>())).change(FS, ThroughputMode.ELASTIC, 0))
                .isInstanceOf(EfsBackendException.class).hasMessageContaining("UpdateFileSystem", "the trigger will retry");
    }

    private static CloudWatchClient cloudWatch(List<GetMetricDataRequest> requests) {
        return new CloudWatchClient() {
            @Override
            public GetMetricDataResponse getMetricData(GetMetricDataRequest request) {
                requests.add(request);
                boolean first = request.nextToken() == null;
                return GetMetricDataResponse.builder().nextToken(first ? "page-2" : null)
                        .metricDataResults(MetricDataResult.builder().id("credits")
                                .timestamps(first ? Instant.parse("2026-11-27T20:10:00Z") : Instant.parse("2026-11-27T20:05:00Z"))
                                .values(first ? 100.0 : 110.0).build()).build();
            }

            @Override
            public DescribeAlarmsResponse describeAlarms(DescribeAlarmsRequest request) {
                return DescribeAlarmsResponse.builder().metricAlarms(MetricAlarm.builder()
                        .alarmName(request.alarmNames().get(0)).stateValue("ALARM").stateReason("Threshold Crossed")
                        .stateUpdatedTimestamp(Instant.parse("2026-11-27T20:15:00.515Z")).build()).build();
            }

            @Override
            public String serviceName() {
                return "monitoring";
            }

            @Override
            public void close() {
            }
        };
    }

    @Test
    void balance_whenPaged_readsEveryPageAsFiveMinuteAveragesOldestFirst() {
        List<GetMetricDataRequest> requests = new ArrayList<>();

        List<CreditMetrics.CreditSample> samples = CloudWatchCreditMetrics.create(() -> cloudWatch(requests))
                .balance(FS, Instant.parse("2026-11-27T19:15:00Z"), Instant.parse("2026-11-27T20:15:00Z"));

        assertThat(samples).containsExactly(new CreditMetrics.CreditSample(Instant.parse("2026-11-27T20:05:00Z"), 110.0),
                new CreditMetrics.CreditSample(Instant.parse("2026-11-27T20:10:00Z"), 100.0));
        assertThat(requests).hasSize(2).first().satisfies(r -> assertThat(r.metricDataQueries()).singleElement()
                .satisfies(q -> {
                    assertThat(q.metricStat().period()).isEqualTo(300);
                    assertThat(q.metricStat().stat()).isEqualTo("Average");
                    assertThat(q.metricStat().metric().namespace()).isEqualTo("AWS/EFS");
                    assertThat(q.metricStat().metric().metricName()).isEqualTo("BurstCreditBalance");
                    assertThat(q.metricStat().metric().dimensions()).singleElement()
                            .satisfies(d -> assertThat(d.value()).isEqualTo(FS));
                }));
    }

    @Test
    void current_whenAlarmExists_readsStateAndWhenItEnteredIt() {
        AlarmStates.Observed observed = CloudWatchAlarmStates.create(() -> cloudWatch(new ArrayList<>()))
                .current("fleetpress-local-efs-credits-production").orElseThrow();

        assertThat(observed.state()).isEqualTo(AlarmState.ALARM);
        assertThat(observed.since()).isEqualTo(Instant.parse("2026-11-27T20:15:00.515Z"));
    }
}
