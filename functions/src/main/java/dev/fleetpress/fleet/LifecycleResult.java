package dev.fleetpress.fleet;

/** The result a lifecycle action is completed with. */
public enum LifecycleResult {
    /** Launch: the instance goes InService (or on into the warm pool). Terminate: it terminates. */
    CONTINUE,
    /** Launch: Auto Scaling terminates the instance and launches a replacement. */
    ABANDON
}
