package dev.fleetpress.fleet;

/**
 * Which lifecycle action of an instance this is. A launch hook fires once without a warm pool and
 * twice with one (entering the pool, then leaving it), so an instance has at most one action per phase
 * at a time; the phase is part of the action's ledger key.
 */
public enum Phase {
    /** EC2 → AutoScalingGroup: bootstrap with the current release, then CONTINUE (or ABANDON). */
    LAUNCH("launch", Transition.LAUNCHING, "Pending:Wait"),
    /** EC2 → WarmPool: prepare the current release before the instance stops in the pool. */
    WARM_POOL_ENTER("warm-pool-enter", Transition.LAUNCHING, "Warmed:Pending:Wait"),
    /** WarmPool → AutoScalingGroup: make sure the release current now is installed. */
    WARM_POOL_LEAVE("warm-pool-leave", Transition.LAUNCHING, "Pending:Wait"),
    /** Drain what was written locally, then CONTINUE whatever happens. */
    TERMINATE("terminate", Transition.TERMINATING, "Terminating:Wait");

    private final String slug;
    private final Transition transition;
    private final String waitState;

    Phase(String slug, Transition transition, String waitState) {
        this.slug = slug;
        this.transition = transition;
        this.waitState = waitState;
    }

    /** The phase's name in ledger keys and queue messages. */
    public String slug() {
        return slug;
    }

    public Transition transition() {
        return transition;
    }

    /** The Auto Scaling lifecycle state an instance waits in during this phase. */
    public String waitState() {
        return waitState;
    }

    public boolean installsRelease() {
        return transition == Transition.LAUNCHING;
    }

    /** The phase of a lifecycle event from its transition and its (optional, possibly empty) origin and destination. */
    public static Phase of(Transition transition, String origin, String destination) {
        if (transition == Transition.TERMINATING) {
            return TERMINATE;
        }
        if ("WarmPool".equals(destination)) {
            return WARM_POOL_ENTER;
        }
        return "WarmPool".equals(origin) ? WARM_POOL_LEAVE : LAUNCH;
    }

    public static Phase ofSlug(String slug) {
        for (Phase p : values()) {
            if (p.slug.equals(slug)) {
                return p;
            }
        }
        throw new IllegalArgumentException("phase '" + FleetIds.shorten(slug) + "' is not one of launch, "
                + "warm-pool-enter, warm-pool-leave, terminate");
    }

    /** Auto Scaling's two lifecycle transitions. */
    public enum Transition {
        LAUNCHING("autoscaling:EC2_INSTANCE_LAUNCHING"),
        TERMINATING("autoscaling:EC2_INSTANCE_TERMINATING");

        private final String awsName;

        Transition(String awsName) {
            this.awsName = awsName;
        }

        public String awsName() {
            return awsName;
        }

        public static Transition ofAwsName(String name) {
            for (Transition t : values()) {
                if (t.awsName.equals(name)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("LifecycleTransition '" + FleetIds.shorten(name)
                    + "' is not autoscaling:EC2_INSTANCE_LAUNCHING or autoscaling:EC2_INSTANCE_TERMINATING");
        }
    }
}
