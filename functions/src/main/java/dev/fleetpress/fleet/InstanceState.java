package dev.fleetpress.fleet;

/** What the last lifecycle action did to an instance, as {@code fleet/instances/<id>.json} shows it. */
public enum InstanceState {
    /** The release was installed (launch or warm pool). */
    BOOTSTRAPPED,
    /** The bootstrap command ended other than Success; the launch was abandoned. */
    BOOTSTRAP_FAILED,
    /** The SSM agent never became reachable, or the command never finished, before the deadline. */
    TIMED_OUT,
    /** The environment had no current release to install; the launch was abandoned. */
    NO_RELEASE,
    /** Locally written files were saved; the instance terminates. */
    DRAINED,
    /** The drain command ended other than Success; the instance terminates anyway. */
    DRAIN_FAILED,
    /** The instance's agent is gone, so nothing could be drained; the instance terminates anyway. */
    DRAIN_SKIPPED,
    /** A rolling activation installed a newer release on the running instance. */
    ACTIVATED,
    /** A rolling activation failed on the instance; it kept its previous release. */
    ACTIVATION_FAILED,
    /** Auto Scaling no longer had the action (expired or completed elsewhere) when FleetPress came to it. */
    ACTION_EXPIRED
}
