package dev.fleetpress.efs;

import dev.fleetpress.release.PromotionResult;
import dev.fleetpress.release.ReleaseId;

/** Points an environment at a release (on AWS: {@code ReleasePipeline.promote}, whose guard may refuse). */
@FunctionalInterface
public interface ReleasePromoter {
    PromotionResult promote(String environment, ReleaseId releaseId, String requestedBy);
}
