package dev.fleetpress.aws;

import dev.fleetpress.efs.CreditMetrics;
import dev.fleetpress.efs.EfsBackendException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/**
 * {@link CreditMetrics} as CloudWatch GetMetricData: AWS/EFS {@code BurstCreditBalance} by
 * {@code FileSystemId}, Average over 300-second periods (the alarm's own statistic and period).
 */
public final class CloudWatchCreditMetrics implements CreditMetrics {
    static final int PERIOD_SECONDS = 300;

    private final Supplier<CloudWatchClient> cloudWatch;

    private CloudWatchCreditMetrics(Supplier<CloudWatchClient> cloudWatch) {
        this.cloudWatch = cloudWatch;
    }

    public static CloudWatchCreditMetrics create(Supplier<CloudWatchClient> cloudWatch) {
        return new CloudWatchCreditMetrics(Objects.requireNonNull(cloudWatch, "cloudWatch"));
    }

    @Override
    public List<CreditSample> balance(String fileSystemId, Instant from, Instant to) {
        MetricDataQuery query = MetricDataQuery.builder().id("credits").returnData(true)
                .metricStat(s -> s.period(PERIOD_SECONDS).stat("Average").metric(m -> m.namespace("AWS/EFS")
                        .metricName("BurstCreditBalance").dimensions(d -> d.name("FileSystemId").value(fileSystemId))))
                .build();
        List<CreditSample> out = new ArrayList<>();
        String token = null;
        try {
            do {
                String next = token;
                GetMetricDataResponse page = cloudWatch.get().getMetricData(b -> {
                    b.metricDataQueries(query).startTime(from).endTime(to);
                    if (next != null) {
                        b.nextToken(next);
                    }
                });
                for (MetricDataResult result : page.metricDataResults()) {
                    for (int i = 0; i < Math.min(result.timestamps().size(), result.values().size()); i++) {
                        out.add(new CreditSample(result.timestamps().get(i), result.values().get(i)));
                    }
                }
                token = page.nextToken();
            } while (token != null && !token.isEmpty());
        } catch (SdkException e) {
            throw new EfsBackendException("CloudWatch GetMetricData of BurstCreditBalance for " + fileSystemId + " failed: "
                    + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(CreditSample::at));
        return out;
    }
}
