package dev.fleetpress.release;

/** How a release build ended, as CodeBuild reports it in {@code detail.build-status}. */
public enum BuildStatus {
    SUCCEEDED, FAILED, FAULT, STOPPED, TIMED_OUT
}
