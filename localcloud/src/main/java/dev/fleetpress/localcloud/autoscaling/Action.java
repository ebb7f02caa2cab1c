package dev.fleetpress.localcloud.autoscaling;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;

/**
 * One open lifecycle action: an instance waiting on one hook. It ends by CompleteLifecycleAction,
 * by its heartbeat timeout, or when the wait reaches its cap of min(48 h, 100 × heartbeat timeout)
 * counted from the start of the wait. Guarded by {@link Fleet}'s lock.
 */
final class Action {
    private static final Duration MAX_WAIT = Duration.ofHours(48);

    final String token = UUID.randomUUID().toString();
    final Member member;
    final HookSpec hook;
    final Duration heartbeat;
    private final long startedNanos = System.nanoTime();
    ScheduledFuture<?> timer;
    /**
     * Bumped by every (re)arming: a timer that fired while a heartbeat held the lock finds a newer
     * generation and stands down instead of timing the action out.
     */
    long generation;

    Action(Member member, HookSpec hook, Duration heartbeat) {
        this.member = member;
        this.hook = hook;
        this.heartbeat = heartbeat;
    }

    /** How long until the action times out if no heartbeat comes: a heartbeat period, never past the cap. */
    Duration untilTimeout() {
        Duration cap = heartbeat.multipliedBy(100);
        cap = cap.compareTo(MAX_WAIT) < 0 ? cap : MAX_WAIT;
        Duration left = cap.minusNanos(System.nanoTime() - startedNanos);
        return left.compareTo(heartbeat) < 0 ? (left.isNegative() ? Duration.ZERO : left) : heartbeat;
    }
}
