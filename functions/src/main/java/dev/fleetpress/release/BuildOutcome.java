package dev.fleetpress.release;

import java.util.List;

/** What handling one finished build did: the release's fate and each environment's promotion. */
public record BuildOutcome(ReleaseId releaseId, Kind kind, String message, List<PromotionResult> promotions) {
    public BuildOutcome {
        promotions = List.copyOf(promotions);
    }

    public enum Kind {
        /** The artifact was verified and the release recorded by this call. */
        RECORDED,
        /** The release was already recorded (a duplicate event, or a second build of the commit). */
        ALREADY_RECORDED,
        /** The build produced no usable release; the reason is recorded and no environment changed. */
        FAILED
    }
}
