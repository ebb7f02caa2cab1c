package dev.fleetpress.fleet;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The crash-loop state of one environment ({@code fleet/environments/<env>.json}).
 *
 * @param lastGoodRelease     the last release that bootstrapped successfully here (empty if none yet)
 * @param failingRelease      the release whose consecutive failures are being counted (empty if none)
 * @param consecutiveFailures bootstrap failures of {@code failingRelease} since its last success
 * @param counted             the latest action ids already counted, so a retried count counts once
 * @param trips               every time the breaker tripped, oldest first; at most one per release
 */
public record EnvironmentHealth(String environment, String lastGoodRelease, String failingRelease,
                                int consecutiveFailures, List<String> counted, List<Trip> trips) {
    static final int COUNTED_KEPT = 50;

    public EnvironmentHealth {
        counted = List.copyOf(counted);
        trips = List.copyOf(trips);
    }

    static EnvironmentHealth empty(String environment) {
        return new EnvironmentHealth(environment, "", "", 0, List.of(), List.of());
    }

    /** This state after one more bootstrap outcome of {@code release} (unchanged if {@code actionId} was counted). */
    EnvironmentHealth count(String actionId, String release, boolean success) {
        if (counted.contains(actionId)) {
            return this;
        }
        List<String> ids = new ArrayList<>(counted);
        ids.add(actionId);
        if (ids.size() > COUNTED_KEPT) {
            ids = ids.subList(ids.size() - COUNTED_KEPT, ids.size());
        }
        if (success) {
            boolean resets = release.equals(failingRelease);
            return new EnvironmentHealth(environment, release, resets ? "" : failingRelease,
                    resets ? 0 : consecutiveFailures, ids, trips);
        }
        int failures = release.equals(failingRelease) ? consecutiveFailures + 1 : 1;
        return new EnvironmentHealth(environment, lastGoodRelease, release, failures, ids, trips);
    }

    boolean trippedFor(String release) {
        return trips.stream().anyMatch(t -> t.release().equals(release));
    }

    EnvironmentHealth withTrip(Trip trip) {
        List<Trip> all = new ArrayList<>(trips);
        all.add(trip);
        return new EnvironmentHealth(environment, lastGoodRelease, failingRelease, consecutiveFailures, counted, all);
    }

    EnvironmentHealth withTripDone(String release) {
        List<Trip> all = trips.stream().map(t -> t.release().equals(release) ? t.done() : t).toList();
        return new EnvironmentHealth(environment, lastGoodRelease, failingRelease, consecutiveFailures, counted, all);
    }

    String toJson() {
        return Json.write(Json.object("environment", environment, "lastGoodRelease", lastGoodRelease,
                "failingRelease", failingRelease, "consecutiveFailures", consecutiveFailures, "counted", counted,
                "trips", trips.stream().map(t -> Json.object("release", t.release(), "rolledBackTo", t.rolledBackTo(),
                        "reason", t.reason(), "at", t.at().toString(), "done", t.handled())).toList()));
    }

    static EnvironmentHealth fromJson(String json) {
        Json.Node n = Json.parse(json);
        List<String> counted = n.get("counted").elements().stream().map(Json.Node::asText).toList();
        List<Trip> trips = n.get("trips").elements().stream().map(t -> new Trip(t.text("release"),
                t.text("rolledBackTo"), t.text("reason"), Instant.parse(t.text("at")), t.get("done").asBoolean())).toList();
        return new EnvironmentHealth(n.text("environment"), n.text("lastGoodRelease"), n.text("failingRelease"),
                (int) n.get("consecutiveFailures").asLong(), counted, trips);
    }

    /**
     * One trip of the breaker.
     *
     * @param rolledBackTo the release the environment was pointed back to (empty when there was none)
     * @param handled      true once the pointer was moved and the alert published
     */
    public record Trip(String release, String rolledBackTo, String reason, Instant at, boolean handled) {
        Trip done() {
            return new Trip(release, rolledBackTo, reason, at, true);
        }
    }
}
