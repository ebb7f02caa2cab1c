package dev.fleetpress.media.rewrite;

import java.time.Duration;

/** How a caller waits between two looks at a running command: a real sleep, or a test's clock moving. */
@FunctionalInterface
public interface Pause {
    /** Sleeps on the calling thread. */
    Pause SLEEP = d -> Thread.sleep(d.toMillis());

    void pause(Duration duration) throws InterruptedException;
}
