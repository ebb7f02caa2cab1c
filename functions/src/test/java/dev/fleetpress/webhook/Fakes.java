package dev.fleetpress.webhook;

import dev.fleetpress.ledger.Ledger;
import dev.fleetpress.release.BuildRequest;
import dev.fleetpress.release.ReleaseRequests;
import dev.fleetpress.release.RequestOutcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** In-memory stand-ins for the intake's ports. */
final class Fakes {
    private Fakes() {
    }

    /** A ledger in a map; {@link #failing} makes every call throw as an unreachable S3 would. */
    static final class MemoryLedger implements Ledger {
        final Map<String, String> entries = new ConcurrentHashMap<>();
        RuntimeException failing;

        @Override
        public boolean createIfAbsent(String key, String content) {
            throwIfFailing();
            return entries.putIfAbsent(key, content) == null;
        }

        @Override
        public Optional<String> read(String key) {
            throwIfFailing();
            return Optional.ofNullable(entries.get(key));
        }

        private void throwIfFailing() {
            if (failing != null) {
                throw failing;
            }
        }
    }

    /** Records each request and answers {@link #outcome}, or throws {@link #failing}. */
    static final class RecordingReleaseRequests implements ReleaseRequests {
        final List<BuildRequest> requests = new ArrayList<>();
        RequestOutcome outcome = new RequestOutcome(RequestOutcome.Kind.BUILD_STARTED, "fleetpress-release:0001", "build started");
        RuntimeException failing;

        @Override
        public RequestOutcome request(BuildRequest request) {
            if (failing != null) {
                throw failing;
            }
            requests.add(request);
            return outcome;
        }
    }

    /** Hands out the fixture secret and counts how often it was asked. */
    static final class CountingSecretSource implements SecretSource {
        int calls;
        RuntimeException failing;

        @Override
        public Secret secret() {
            calls++;
            if (failing != null) {
                throw failing;
            }
            return Secret.of(Fixtures.SECRET);
        }
    }

    /** A clock that moves only when told to. */
    static final class ManualClock extends Clock {
        private Instant now;

        ManualClock(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
