package dev.fleetpress.efs;

import dev.fleetpress.efs.CreditMetrics.CreditSample;
import dev.fleetpress.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What FleetPress knows of one file system: the ledger record {@code efs/<fs-id>.json}, moved by
 * compare-and-swap. {@link Instant#EPOCH} stands for "never" and is written as an empty string.
 *
 * @param mode              the mode EFS last reported ({@code bursting}, {@code elastic}, {@code provisioned}; empty: not yet asked)
 * @param alarm             the credit alarm's newest state FleetPress has seen
 * @param restrictedChanges when FleetPress made restricted changes (mode changes, provisioned decreases), newest last
 * @param notAllowedUntil   the time EFS named when it last answered TooManyRequests
 * @param change            a restricted change claimed and not yet confirmed ({@link Change#NONE} when none)
 * @param history           each change FleetPress asked EFS for and what EFS answered, newest last
 * @param incidents         each ALARM episode, newest last
 * @param samples           BurstCreditBalance 5-minute averages, oldest first (the last 24 hours)
 */
public record FileSystemRecord(String fileSystemId, String environment, String mode, double provisionedMibps,
                               Instant modeObservedAt, Alarm alarm, List<Instant> restrictedChanges,
                               Instant notAllowedUntil, Change change, List<HistoryEntry> history,
                               List<Incident> incidents, List<CreditSample> samples, Instant updatedAt) {
    /** EFS allows one restricted change per this period. */
    public static final Duration RESTRICTED_PERIOD = Duration.ofHours(24);
    static final int KEPT_HISTORY = 50;
    static final int KEPT_INCIDENTS = 20;
    static final int KEPT_RESTRICTED = 10;
    static final int KEPT_SAMPLES = 288;

    public FileSystemRecord {
        EfsIds.fileSystemId(fileSystemId);
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(modeObservedAt, "modeObservedAt");
        Objects.requireNonNull(alarm, "alarm");
        restrictedChanges = tail(restrictedChanges, KEPT_RESTRICTED);
        Objects.requireNonNull(notAllowedUntil, "notAllowedUntil");
        Objects.requireNonNull(change, "change");
        history = tail(history, KEPT_HISTORY);
        incidents = tail(incidents, KEPT_INCIDENTS);
        samples = tail(samples, KEPT_SAMPLES);
        Objects.requireNonNull(updatedAt, "updatedAt");
    }

    public static FileSystemRecord empty(String fileSystemId, String environment) {
        return new FileSystemRecord(fileSystemId, environment, "", 0, Instant.EPOCH, Alarm.NONE, List.of(), Instant.EPOCH,
                Change.NONE, List.of(), List.of(), List.of(), Instant.EPOCH);
    }

    /** The credit alarm's state as last seen, with the time it entered it. */
    public record Alarm(String name, String state, Instant timestamp, Instant recordedAt, Instant okSince) {
        public static final Alarm NONE = new Alarm("", "", Instant.EPOCH, Instant.EPOCH, Instant.EPOCH);
    }

    /**
     * A restricted change one caller claimed before asking EFS, so concurrent callers never make two.
     *
     * @param target the mode asked for ({@code elastic}, {@code provisioned}, {@code bursting}); empty: no claim
     */
    public record Change(String target, double provisionedMibps, String reason, Instant claimedAt, String owner) {
        public static final Change NONE = new Change("", 0, "", Instant.EPOCH, "");

        public boolean claimed() {
            return !target.isEmpty();
        }
    }

    /**
     * One change FleetPress asked EFS for.
     *
     * @param result CHANGED, NOT_ALLOWED_YET or FAILED
     */
    public record HistoryEntry(Instant at, String from, String to, double provisionedMibps, String reason, String result,
                               String message) {
    }

    /**
     * One ALARM episode: opened by an ALARM, closed by the next OK; an ALARM within the cooldown of the
     * close reopens it (a flapping alarm is one incident, one notification).
     *
     * @param response    what FleetPress did about it, in words
     * @param notifiedAt  when its notification went out (EPOCH: not yet)
     * @param exitPlanAt  when the exit plan was started (or found started) for it (EPOCH: not yet)
     */
    public record Incident(String id, Instant openedAt, Instant alarmTimestamp, String response, Instant notifiedAt,
                           Instant exitPlanAt, Instant closedAt, int reopened, String notifyOwner, Instant notifyClaimedAt) {
        public Incident {
            Objects.requireNonNull(notifyOwner, "notifyOwner");
            Objects.requireNonNull(notifyClaimedAt, "notifyClaimedAt");
        }

        /** A new incident, nothing done for it yet. */
        static Incident opened(String id, Instant openedAt, Instant alarmTimestamp) {
            return new Incident(id, openedAt, alarmTimestamp, "", Instant.EPOCH, Instant.EPOCH, Instant.EPOCH, 0, "",
                    Instant.EPOCH);
        }

        public boolean open() {
            return closedAt.equals(Instant.EPOCH);
        }

        Incident withResponse(String r) {
            return new Incident(id, openedAt, alarmTimestamp, r, notifiedAt, exitPlanAt, closedAt, reopened, notifyOwner,
                    notifyClaimedAt);
        }

        /** Claims the notification for {@code owner}, so that of concurrent runs only one publishes it. */
        Incident notifying(String owner, Instant at) {
            return new Incident(id, openedAt, alarmTimestamp, response, notifiedAt, exitPlanAt, closedAt, reopened, owner, at);
        }

        Incident notified(Instant at) {
            return new Incident(id, openedAt, alarmTimestamp, response, at, exitPlanAt, closedAt, reopened, notifyOwner,
                    notifyClaimedAt);
        }

        Incident exitPlanStarted(Instant at) {
            return new Incident(id, openedAt, alarmTimestamp, response, notifiedAt, at, closedAt, reopened, notifyOwner,
                    notifyClaimedAt);
        }

        Incident closed(Instant at) {
            return new Incident(id, openedAt, alarmTimestamp, response, notifiedAt, exitPlanAt, at, reopened, notifyOwner,
                    notifyClaimedAt);
        }

        Incident reopenedAt(Instant alarmAt) {
            return new Incident(id, openedAt, alarmAt, response, notifiedAt, exitPlanAt, Instant.EPOCH, reopened + 1,
                    notifyOwner, notifyClaimedAt);
        }
    }

    /** The newest incident if it is open. */
    public Optional<Incident> openIncident() {
        return incidents.isEmpty() || !incidents.get(incidents.size() - 1).open() ? Optional.empty()
                : Optional.of(incidents.get(incidents.size() - 1));
    }

    /** When EFS allows the next restricted change, as far as FleetPress knows (EPOCH: now). */
    public Instant nextRestrictedChangeAt() {
        Instant byLedger = restrictedChanges.isEmpty() ? Instant.EPOCH
                : restrictedChanges.get(restrictedChanges.size() - 1).plus(RESTRICTED_PERIOD);
        return byLedger.isAfter(notAllowedUntil) ? byLedger : notAllowedUntil;
    }

    /** How long until EFS allows the next restricted change ({@link Duration#ZERO}: now). */
    public Duration untilNextRestrictedChange(Instant now) {
        Instant next = nextRestrictedChangeAt();
        return next.isAfter(now) ? Duration.between(now, next) : Duration.ZERO;
    }

    /** Restricted changes FleetPress made in the 24 hours before {@code now}. */
    public long restrictedChangesWithin24h(Instant now) {
        return restrictedChanges.stream().filter(t -> t.isAfter(now.minus(RESTRICTED_PERIOD))).count();
    }

    /** The newest credit balance and its trend over the last hour of samples. */
    public Optional<CreditTrend> trend() {
        if (samples.isEmpty()) {
            return Optional.empty();
        }
        CreditSample last = samples.get(samples.size() - 1);
        CreditSample first = samples.stream().filter(s -> !s.at().isBefore(last.at().minus(Duration.ofHours(1))))
                .findFirst().orElse(last);
        double hours = Duration.between(first.at(), last.at()).toSeconds() / 3600.0;
        double perHour = hours > 0 ? (last.bytes() - first.bytes()) / hours : 0;
        double toExhaustion = perHour < 0 ? last.bytes() / -perHour : -1;
        return Optional.of(new CreditTrend(last.at(), last.bytes(), perHour, toExhaustion));
    }

    /**
     * @param bytesPerHour      the balance's change per hour over the last hour (negative: draining)
     * @param hoursToExhaustion at that rate; -1 while it holds or grows
     */
    public record CreditTrend(Instant at, double balanceBytes, double bytesPerHour, double hoursToExhaustion) {
    }

    FileSystemRecord withMode(String m, double mibps, Instant at) {
        return new FileSystemRecord(fileSystemId, environment, m, mibps, at, alarm, restrictedChanges, notAllowedUntil,
                change, history, incidents, samples, at.isAfter(updatedAt) ? at : updatedAt);
    }

    FileSystemRecord withAlarm(Alarm a, Instant now) {
        return new FileSystemRecord(fileSystemId, environment, mode, provisionedMibps, modeObservedAt, a, restrictedChanges,
                notAllowedUntil, change, history, incidents, samples, now);
    }

    FileSystemRecord withChange(Change c, List<Instant> restricted, Instant now) {
        return new FileSystemRecord(fileSystemId, environment, mode, provisionedMibps, modeObservedAt, alarm, restricted,
                notAllowedUntil, c, history, incidents, samples, now);
    }

    FileSystemRecord withNotAllowedUntil(Instant until, Instant now) {
        return new FileSystemRecord(fileSystemId, environment, mode, provisionedMibps, modeObservedAt, alarm,
                restrictedChanges, until, change, history, incidents, samples, now);
    }

    FileSystemRecord withHistory(HistoryEntry entry, Instant now) {
        List<HistoryEntry> h = new ArrayList<>(history);
        h.add(entry);
        return new FileSystemRecord(fileSystemId, environment, mode, provisionedMibps, modeObservedAt, alarm,
                restrictedChanges, notAllowedUntil, change, h, incidents, samples, now);
    }

    FileSystemRecord withIncidents(List<Incident> list, Instant now) {
        return new FileSystemRecord(fileSystemId, environment, mode, provisionedMibps, modeObservedAt, alarm,
                restrictedChanges, notAllowedUntil, change, history, list, samples, now);
    }

    /** The newest incident replaced by {@code incident}. */
    FileSystemRecord withLastIncident(Incident incident, Instant now) {
        List<Incident> list = new ArrayList<>(incidents);
        list.set(list.size() - 1, incident);
        return withIncidents(list, now);
    }

    FileSystemRecord withSamples(List<CreditSample> fresh, Instant now) {
        Map<Instant, CreditSample> byTime = new java.util.TreeMap<>();
        samples.forEach(s -> byTime.put(s.at(), s));
        fresh.forEach(s -> byTime.put(s.at(), s));
        List<CreditSample> merged = new ArrayList<>(byTime.values());
        merged.sort(Comparator.comparing(CreditSample::at));
        return new FileSystemRecord(fileSystemId, environment, mode, provisionedMibps, modeObservedAt, alarm,
                restrictedChanges, notAllowedUntil, change, history, incidents, merged, now);
    }

    private static <T> List<T> tail(List<T> list, int keep) {
        Objects.requireNonNull(list, "list");
        return List.copyOf(list.size() <= keep ? list : list.subList(list.size() - keep, list.size()));
    }

    // ---------------------------------------------------------------- JSON

    public String toJson() {
        return Json.write(Json.object(
                "formatVersion", 1,
                "fileSystemId", fileSystemId,
                "environment", environment,
                "mode", mode,
                "provisionedMibps", provisionedMibps,
                "modeObservedAt", time(modeObservedAt),
                "alarm", Json.object("name", alarm.name(), "state", alarm.state(), "timestamp", time(alarm.timestamp()),
                        "recordedAt", time(alarm.recordedAt()), "okSince", time(alarm.okSince())),
                "restrictedChanges", restrictedChanges.stream().map(Instant::toString).toList(),
                "notAllowedUntil", time(notAllowedUntil),
                "nextRestrictedChangeAt", time(nextRestrictedChangeAt()),
                "change", Json.object("target", change.target(), "provisionedMibps", change.provisionedMibps(),
                        "reason", change.reason(), "claimedAt", time(change.claimedAt()), "owner", change.owner()),
                "history", history.stream().map(h -> Json.object("at", time(h.at()), "from", h.from(), "to", h.to(),
                        "provisionedMibps", h.provisionedMibps(), "reason", h.reason(), "result", h.result(),
                        "message", h.message())).toList(),
                "incidents", incidents.stream().map(i -> Json.object("id", i.id(), "openedAt", time(i.openedAt()),
                        "alarmTimestamp", time(i.alarmTimestamp()), "response", i.response(),
                        "notifiedAt", time(i.notifiedAt()), "exitPlanAt", time(i.exitPlanAt()),
                        "closedAt", time(i.closedAt()), "reopened", i.reopened(), "notifyOwner", i.notifyOwner(),
                        "notifyClaimedAt", time(i.notifyClaimedAt()))).toList(),
                "samples", samples.stream().map(s -> Json.object("at", time(s.at()), "bytes", s.bytes())).toList(),
                "updatedAt", time(updatedAt)));
    }

    public static FileSystemRecord fromJson(String json) {
        Json.Node n = Json.parse(json);
        Json.Node a = n.get("alarm");
        Json.Node c = n.get("change");
        return new FileSystemRecord(n.text("fileSystemId"), n.text("environment"), n.text("mode"),
                number(n, "provisionedMibps"), instant(n.text("modeObservedAt")),
                new Alarm(a.text("name"), a.text("state"), instant(a.text("timestamp")), instant(a.text("recordedAt")),
                        instant(a.text("okSince"))),
                n.get("restrictedChanges").elements().stream().map(e -> instant(e.asText())).toList(),
                instant(n.text("notAllowedUntil")),
                new Change(c.text("target"), number(c, "provisionedMibps"), c.text("reason"), instant(c.text("claimedAt")),
                        c.text("owner")),
                n.get("history").elements().stream().map(h -> new HistoryEntry(instant(h.text("at")), h.text("from"),
                        h.text("to"), number(h, "provisionedMibps"), h.text("reason"), h.text("result"),
                        h.text("message"))).toList(),
                n.get("incidents").elements().stream().map(i -> new Incident(i.text("id"), instant(i.text("openedAt")),
                        instant(i.text("alarmTimestamp")), i.text("response"), instant(i.text("notifiedAt")),
                        instant(i.text("exitPlanAt")), instant(i.text("closedAt")),
                        (int) i.get("reopened").asLong(), i.findText("notifyOwner").orElse(""),
                        instant(i.findText("notifyClaimedAt").orElse("")))).toList(),
                n.get("samples").elements().stream().map(s -> new CreditSample(instant(s.text("at")),
                        number(s, "bytes"))).toList(),
                instant(n.text("updatedAt")));
    }

    static String time(Instant t) {
        return t.equals(Instant.EPOCH) ? "" : t.toString();
    }

    static Instant instant(String text) {
        return text.isEmpty() ? Instant.EPOCH : Instant.parse(text);
    }

    private static double number(Json.Node n, String field) {
        try {
            return Double.parseDouble(n.text(field));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(n.path() + "." + field + " is not a number");
        }
    }
}
