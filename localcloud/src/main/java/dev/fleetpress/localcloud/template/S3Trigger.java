package dev.fleetpress.localcloud.template;

import java.util.List;

/**
 * One {@code S3} event of a function: the bucket notification SAM configures for it.
 *
 * @param prefix key prefix filter, empty when none
 * @param suffix key suffix filter, empty when none
 */
public record S3Trigger(String eventName, String bucketLogicalId, String bucketName, List<String> events,
                        String prefix, String suffix) {
    public S3Trigger {
        events = List.copyOf(events);
    }
}
