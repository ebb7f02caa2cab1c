package dev.fleetpress.cli.bench;

import dev.fleetpress.aws.S3Ledger;
import dev.fleetpress.cli.FunctionLogs;
import dev.fleetpress.efs.EfsRecords;
import dev.fleetpress.efs.FileSystemRecord;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.LocalGit;
import dev.fleetpress.localcloud.cloudwatch.AlarmState;
import dev.fleetpress.localcloud.cloudwatch.StateChange;
import dev.fleetpress.localcloud.events.FaultPlan;
import dev.fleetpress.localcloud.events.SourceFaults;
import dev.fleetpress.localcloud.template.AlarmSpec;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The two EFS figures issue #6 asks for, on localcloud's deterministic credit model and simulated time:
 * <ol>
 *   <li><b>When the alarms fire under a steady drain</b>: the template's time-to-exhaustion alarm (metric
 *   math on BurstCreditBalance) beside a fixed alarm at 20 % of the maximum balance, same period (300 s) and
 *   same 2-of-3 datapoints, for several loads on a 10 GiB file system; how long before the credits run out
 *   each fires. The alarms' events are dropped before EventBridge so that nothing responds and the drain
 *   runs to zero.</li>
 *   <li><b>Flapping</b>: ten ALARM/OK cycles of the credit alarm within 24 hours of simulated time, each a
 *   state-change event in AWS's shape put on the event bus, handled by the real EfsFunction against
 *   localcloud's EFS (which answers TooManyRequests to a second restricted change within 24 hours), with the
 *   most eager configuration (return to bursting, no cooldown) and the default one (6 h cooldown): how many
 *   restricted changes EFS made, incidents and notifications.</li>
 * </ol>
 * Nothing is asserted; the program prints the figures.
 */
public final class EfsBenchmark {
    private static final String FILE_SYSTEM = "fs-0be7c4a11e0000001";
    /** The file system events/efs/ fixtures name, replaced by this benchmark's. */
    private static final String FIXTURE_FILE_SYSTEM = "fs-0123456789abcdef0";
    private static final long STORED_BYTES = 10L << 30;
    private static final double MAX_CREDITS = 2.1 * Math.pow(2, 40);
    private static final List<Integer> LOADS_MIB = List.of(5, 10, 20, 40, 80, 100);
    private static final DateTimeFormatter EVENT_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);

    private final Path root;

    public EfsBenchmark(Path root) {
        this.root = root;
    }

    public int run() throws Exception {
        Path tmp = Files.createTempDirectory("fleetpress-bench-efs-");
        try {
            return FunctionLogs.into(tmp.resolve("functions.log"), console -> () -> {
                console.println("EFS benchmark: localcloud's credit model (baseline 50 KiB/s per GiB, burst 100 MiB/s, "
                        + "2.1 TiB of credits), a 10 GiB file system, simulated time");
                console.println();
                for (int hours : List.of(3, 12)) {
                    alarmTiming(tmp, console, hours);
                    console.println();
                }
                flapping(tmp, console, 0);
                console.println();
                flapping(tmp, console, 6);
                return 0;
            });
        } finally {
            LocalCloud.deleteRecursively(tmp);
        }
    }

    private LocalCloud.Builder cloud(Path tmp, String name) throws Exception {
        LocalGit site = LocalGit.copyOf(root.resolve("examples/site"), tmp.resolve(name + "-site"));
        return LocalCloud.builder().projectRoot(root).dataDir(tmp.resolve(name)).siteRepository(site.dir()).timeScale(0.1)
                .schedules(false).simulatedStart(Instant.parse("2026-11-27T00:00:00Z")).fileSystem("production", FILE_SYSTEM, STORED_BYTES);
    }

    private void alarmTiming(Path tmp, PrintStream out, int hoursToExhaustion) throws Exception {
        out.println("1. Steady drain: how long before the credits run out each alarm fires (2 of 3 five-minute datapoints), "
                + "EfsHoursToExhaustion " + hoursToExhaustion + (hoursToExhaustion == 3 ? " (the default)" : ""));
        out.printf("%-10s %12s %22s %22s %14s%n", "load", "exhausted", "time-to-exhaustion", "fixed 20% of max", "earlier by");
        for (int mib : LOADS_MIB) {
            // Nothing may respond, or the elastic switch would stop the drain: the alarms' events are dropped.
            try (LocalCloud cloud = cloud(tmp, "timing-" + hoursToExhaustion + "-" + mib)
                    .parameter("EfsHoursToExhaustion", String.valueOf(hoursToExhaustion))
                    .faults(FaultPlan.none().with("aws.cloudwatch", SourceFaults.drop(1.0))).build()) {
                String tte = cloud.cloudWatch().alarmNames().stream().filter(n -> n.endsWith("-efs-credits-production")).findFirst()
                        .orElseThrow();
                String fixed = "bench-fixed-20-percent";
                cloud.cloudWatch().addAlarm(AlarmSpec.singleMetric(fixed, "BurstCreditBalance below 20% of the maximum",
                        new AlarmSpec.MetricStat("AWS/EFS", "BurstCreditBalance", Map.of("FileSystemId", FILE_SYSTEM), 300, "Average"),
                        "LessThanThreshold", 0.2 * MAX_CREDITS, 3, 2));
                Instant start = cloud.clock().instant();
                cloud.efs().load(FILE_SYSTEM, mib * (double) (1 << 20));
                Instant exhausted = null;
                for (int step = 0; step < 24 * 12 * 40 && exhausted == null; step++) {
                    cloud.cloudWatch().advance(Duration.ofMinutes(5));
                    if (cloud.efs().creditBalance(FILE_SYSTEM) <= 0) {
                        exhausted = cloud.clock().instant();
                    }
                }
                Optional<Instant> tteAt = firstAlarm(cloud, tte);
                Optional<Instant> fixedAt = firstAlarm(cloud, fixed);
                if (exhausted == null) {
                    out.printf("%-10s %12s%n", mib + " MiB/s", "never (40 d)");
                    continue;
                }
                Instant end = exhausted;
                out.printf("%-10s %12s %22s %22s %14s%n", mib + " MiB/s", hours(Duration.between(start, end)),
                        tteAt.map(a -> hours(Duration.between(a, end)) + " before").orElse("never"),
                        fixedAt.map(a -> hours(Duration.between(a, end)) + " before").orElse("never"),
                        tteAt.isPresent() && fixedAt.isPresent() ? signedHours(Duration.between(tteAt.get(), fixedAt.get())) : "-");
            }
        }
        out.println("(\"earlier by\": how much sooner the time-to-exhaustion alarm fired than the fixed one; negative: later. "
                + "The fixed threshold leaves 0.42 TiB, which lasts longer at slow drains and shorter at fast ones; the "
                + "time-to-exhaustion alarm leaves about " + hoursToExhaustion + " hours whatever the drain.)");
    }

    private void flapping(Path tmp, PrintStream out, int cooldownHours) throws Exception {
        out.println("2. Flapping: ten ALARM/OK cycles of the credit alarm within 24 hours (events in AWS's shape, handled by "
                + "EfsFunction), return to bursting on, cooldown " + cooldownHours + " h" + (cooldownHours == 0 ? " (the most eager)"
                : " (the default)"));
        try (LocalCloud cloud = cloud(tmp, "flapping-" + cooldownHours).parameter("EfsCooldownHours", String.valueOf(cooldownHours))
                .parameter("EfsReturnToBursting", "true")
                .simulatedSchedule("EfsFunction", Duration.ofMinutes(5)).build()) {
            String alarm = cloud.cloudWatch().alarmNames().stream().filter(n -> n.endsWith("-efs-credits-production")).findFirst()
                    .orElseThrow();
            String fixture = Files.readString(root.resolve("events/efs/alarm-state-alarm.json"));
            Instant start = cloud.clock().instant();
            int events = 0;
            for (int cycle = 0; cycle < 10; cycle++) {
                // ALARM at the start of each 2 h 24 min slot, OK 72 minutes later: ten cycles in 24 hours.
                cloud.cloudWatch().advance(Duration.ofMinutes(cycle == 0 ? 5 : 72));
                cloud.events().put(stateChange(fixture, alarm, "ALARM", "OK", cloud.clock().instant()));
                cloud.awaitIdle(Duration.ofMinutes(1));
                cloud.cloudWatch().advance(Duration.ofMinutes(72));
                cloud.events().put(stateChange(fixture, alarm, "OK", "ALARM", cloud.clock().instant()));
                cloud.awaitIdle(Duration.ofMinutes(1));
                events += 2;
            }
            Instant end = cloud.clock().instant();
            EfsRecords records = new EfsRecords(S3Ledger.create(cloud.s3(), cloud.releaseBucket(), EfsRecords.PREFIX));
            FileSystemRecord record = records.fileSystem(FILE_SYSTEM).orElseThrow();
            long changed = record.history().stream().filter(h -> "CHANGED".equals(h.result())).count();
            long refused = record.history().stream().filter(h -> "NOT_ALLOWED_YET".equals(h.result())).count();
            out.printf("%d events over %s of simulated time: %d restricted change(s) made (%s), %d refused by EFS as not allowed "
                            + "yet, %d incident(s), %d notification(s); mode now %s%n", events, hours(Duration.between(start, end)),
                    changed, record.history().stream().filter(h -> "CHANGED".equals(h.result()))
                            .map(h -> h.from() + "->" + h.to() + " at +" + hours(Duration.between(start, h.at()))).toList(),
                    refused, record.incidents().size(),
                    cloud.sns().published(cloud.template().outputs().get("AlertTopicArn")).size(),
                    cloud.efs().describeFileSystems(b -> b.fileSystemId(FILE_SYSTEM)).fileSystems().get(0).throughputModeAsString());
            cloud.cloudWatch().advance(Duration.ofHours(25).minus(Duration.between(start, cloud.clock().instant())).plusMinutes(10));
            cloud.awaitIdle(Duration.ofMinutes(1));
            record = records.fileSystem(FILE_SYSTEM).orElseThrow();
            out.printf("after 24 h (simulated +%s): restricted changes %d, mode %s (the return to bursting the rule held back)%n",
                    hours(Duration.between(start, cloud.clock().instant())),
                    record.history().stream().filter(h -> "CHANGED".equals(h.result())).count(),
                    cloud.efs().describeFileSystems(b -> b.fileSystemId(FILE_SYSTEM)).fileSystems().get(0).throughputModeAsString());
        }
    }

    /** The fixture with this alarm's name, state, previous state and time. */
    static String stateChange(String fixture, String alarm, String state, String previous, Instant at) {
        String json = fixture.replace("fleetpress-local-efs-credits-production", alarm).replace(FIXTURE_FILE_SYSTEM, FILE_SYSTEM)
                .replaceFirst("\"id\": \"[^\"]+\"", "\"id\": \"" + java.util.UUID.randomUUID() + "\"")
                .replaceFirst("\"time\": \"[^\"]+\"", "\"time\": \"" + at.toString() + "\"");
        int stateAt = json.indexOf("\"state\"");
        int previousAt = json.indexOf("\"previousState\"");
        String head = json.substring(0, stateAt);
        String current = json.substring(stateAt, previousAt).replaceFirst("\"value\": \"[A-Z_]+\"", "\"value\": \"" + state + "\"")
                .replaceFirst("\"timestamp\": \"[^\"]+\"", "\"timestamp\": \"" + EVENT_TIME.format(at) + "\"");
        String rest = json.substring(previousAt).replaceFirst("\"value\": \"[A-Z_]+\"", "\"value\": \"" + previous + "\"");
        return head + current + rest;
    }

    private static Optional<Instant> firstAlarm(LocalCloud cloud, String alarm) {
        return cloud.cloudWatch().history(alarm).stream().filter(c -> AlarmState.ALARM.equals(c.value())).map(StateChange::at)
                .findFirst();
    }

    private static String hours(Duration d) {
        return String.format(Locale.ROOT, "%.2f h", d.toSeconds() / 3600.0);
    }

    private static String signedHours(Duration d) {
        return String.format(Locale.ROOT, "%+.2f h", d.toSeconds() / 3600.0);
    }
}
