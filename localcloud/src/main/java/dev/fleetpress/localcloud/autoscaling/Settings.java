package dev.fleetpress.localcloud.autoscaling;

import java.time.Duration;
import java.util.Objects;

/**
 * How localcloud's Auto Scaling paces itself.
 *
 * @param heartbeatTimeout    replaces every hook's HeartbeatTimeout when positive (tests use a few
 *                            hundred milliseconds); {@link Duration#ZERO} keeps each hook's own
 * @param transitionDelay     how long an instance stays {@code Pending} (booting) or {@code Terminating}
 *                            before its hooks run
 * @param failedLaunchBackoff the delay before the next launch after an abandoned one, doubled for
 *                            each further consecutive abandon up to 32 times (AWS, too, slows launches
 *                            when hooks keep failing); {@link Duration#ZERO} relaunches at once
 * @param maxSize             every group's initial MaxSize (the groups themselves live outside the template)
 */
public record Settings(Duration heartbeatTimeout, Duration transitionDelay, Duration failedLaunchBackoff, int maxSize) {
    public Settings {
        requireNotNegative(heartbeatTimeout, "heartbeatTimeout");
        requireNotNegative(transitionDelay, "transitionDelay");
        requireNotNegative(failedLaunchBackoff, "failedLaunchBackoff");
        if (maxSize < 0) {
            throw new IllegalArgumentException("maxSize must be >= 0, got " + maxSize);
        }
    }

    /** The hooks' own timeouts, instant transitions, a 1 s backoff after an abandoned launch, MaxSize 10. */
    public static Settings defaults() {
        return new Settings(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1), 10);
    }

    public Settings withHeartbeatTimeout(Duration timeout) {
        return new Settings(timeout, transitionDelay, failedLaunchBackoff, maxSize);
    }

    public Settings withTransitionDelay(Duration delay) {
        return new Settings(heartbeatTimeout, delay, failedLaunchBackoff, maxSize);
    }

    public Settings withFailedLaunchBackoff(Duration backoff) {
        return new Settings(heartbeatTimeout, transitionDelay, backoff, maxSize);
    }

    public Settings withMaxSize(int size) {
        return new Settings(heartbeatTimeout, transitionDelay, failedLaunchBackoff, size);
    }

    /** The heartbeat timeout that applies to {@code hook}. */
    Duration heartbeatOf(HookSpec hook) {
        return heartbeatTimeout.isZero() ? hook.heartbeatTimeout() : heartbeatTimeout;
    }

    private static void requireNotNegative(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative()) {
            throw new IllegalArgumentException(name + " must not be negative, got " + d);
        }
    }
}
