package dev.fleetpress.release;

import dev.fleetpress.json.Json;
import dev.fleetpress.ledger.VersionedLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** The typed records of {@link ReleaseStore}'s layout, and the compare-and-swap loop they share. */
final class ReleaseRecords {
    /** Enough for any realistic burst of pushes; beyond it something is writing in a loop. */
    static final int MAX_SWAPS = 20;

    private final VersionedLedger ledger;

    ReleaseRecords(VersionedLedger ledger) {
        this.ledger = ledger;
    }

    /** A record with the version a compare-and-swap must present. */
    record Versioned<T>(T value, String version) {
    }

    Optional<ReleaseRecord> release(ReleaseId id) {
        return ledger.read(id + "/release.json").map(ReleaseRecord::fromJson);
    }

    boolean createRelease(ReleaseRecord record) {
        return ledger.createIfAbsent(record.releaseId() + "/release.json", record.toJson());
    }

    /** The build's manifest; throws {@link Manifest.ManifestException} when it is not a valid one. */
    Optional<Manifest> manifest(ReleaseId id) {
        return ledger.read(id + "/manifest.json").map(Manifest::parse);
    }

    Optional<Versioned<BuildAttempt>> attempt(ReleaseId id) {
        return ledger.readEntry(id + "/build.json")
                .map(e -> new Versioned<>(BuildAttempt.fromJson(e.content()), e.version()));
    }

    /** Creates (when {@code expectedVersion} is null) or replaces the attempt; false if someone else's write won. */
    boolean writeAttempt(ReleaseId id, String expectedVersion, BuildAttempt attempt) {
        return write(id + "/build.json", expectedVersion, attempt.toJson());
    }

    boolean recordFailure(BuildFailure failure, String buildKey) {
        return ledger.createIfAbsent(failure.releaseId() + "/builds/" + buildKey + ".json", failure.toJson());
    }

    /** The newest intent per environment for this release, by environment name. */
    List<PromotionIntent> intents(ReleaseId id) {
        return ledger.read(id + "/intents.json").map(ReleaseRecords::parseIntents)
                .map(m -> List.copyOf(m.values())).orElse(List.of());
    }

    /** Adds {@code intent} unless the release already has a newer one for the same environment. */
    void addIntent(ReleaseId id, PromotionIntent intent) {
        String key = id + "/intents.json";
        for (int i = 0; i < MAX_SWAPS; i++) {
            Optional<VersionedLedger.Entry> entry = ledger.readEntry(key);
            Map<String, PromotionIntent> intents = entry.map(e -> parseIntents(e.content())).orElseGet(TreeMap::new);
            PromotionIntent known = intents.get(intent.environment());
            if (known != null && !intent.receivedAt().isAfter(known.receivedAt())) {
                return;
            }
            intents.put(intent.environment(), intent);
            List<Object> json = new ArrayList<>();
            intents.values().forEach(p -> json.add(p.toJson()));
            if (write(key, entry.map(VersionedLedger.Entry::version).orElse(null),
                    Json.write(Json.object("intents", json)))) {
                return;
            }
        }
        throw contended(key);
    }

    Optional<Versioned<EnvironmentHead>> head(String environment) {
        return ledger.readEntry("environments/" + environment + ".json")
                .map(e -> new Versioned<>(EnvironmentHead.fromJson(e.content()), e.version()));
    }

    boolean writeHead(String expectedVersion, EnvironmentHead head) {
        return write("environments/" + head.environment() + ".json", expectedVersion, head.toJson());
    }

    static IllegalStateException contended(String key) {
        return new IllegalStateException("gave up after " + MAX_SWAPS + " conflicting writes of releases/" + key
                + "; something is rewriting it in a loop: find the writer (bucket access logs) and stop it");
    }

    private boolean write(String key, String expectedVersion, String content) {
        return expectedVersion == null ? ledger.createIfAbsent(key, content) : ledger.replace(key, expectedVersion, content);
    }

    private static Map<String, PromotionIntent> parseIntents(String json) {
        Map<String, PromotionIntent> out = new TreeMap<>();
        for (Json.Node node : Json.parse(json).get("intents").elements()) {
            PromotionIntent intent = PromotionIntent.fromJson(node);
            out.put(intent.environment(), intent);
        }
        return out;
    }
}
