package dev.fleetpress.efs;

/** Starts an environment's exit plan off EFS once ({@link Evacuations} is the real one). */
public interface ExitPlanStarter {
    /**
     * Starts the exit plan unless the environment has one (in any state); answers one line saying
     * which, for the incident's notification.
     */
    String startOnce(String environment, String requestedBy);
}
