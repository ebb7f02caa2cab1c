package dev.fleetpress.cli;

import dev.fleetpress.efs.EfsRecords;
import dev.fleetpress.efs.EvacuationRecord;
import dev.fleetpress.efs.EvacuationReport;
import dev.fleetpress.efs.FileSystemRecord;
import dev.fleetpress.localcloud.LocalCloud;
import dev.fleetpress.localcloud.autoscaling.InstanceView;
import dev.fleetpress.localcloud.cloudwatch.AlarmState;
import dev.fleetpress.localcloud.cloudwatch.StateChange;
import dev.fleetpress.localcloud.wordpress.LocalDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import software.amazon.awssdk.services.efs.model.ThroughputMode;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.ssm.model.ParameterType;

/**
 * The demo's EFS part: staging still serves a WordPress installed by hand from an EFS webroot. A steady
 * load drains the file system's burst credits on simulated time; the template's time-to-exhaustion alarm
 * fires, EfsFunction switches the file system to elastic throughput (one restricted change), records the
 * incident, notifies once and starts the exit plan, which captures the live webroot as a release, promotes
 * it (the rollout installs it on both instances), migrates the uploads still on EFS to S3 and reports
 * what is left. With the pressure gone, the return to bursting waits for EFS's 24-hour rule.
 */
final class EfsSteps {
    static final String ENV = "staging";
    static final String GROUP = "fleetpress-staging";
    static final String FILE_SYSTEM = "fs-0de1f00dcafe00001";
    static final long STORED_BYTES = 10L << 30;
    /** A load the 10 GiB file system's 500 KiB/s baseline cannot serve: burst credits drain at about 79.5 MiB/s. */
    static final double LOAD_BYTES_PER_SECOND = 80.0 * (1 << 20);
    private static final Duration LIMIT = Duration.ofMinutes(3);
    private static final List<String> UPLOADS = List.of("2019/04/team photo + logo.jpg", "2019/04/menü café.png",
            "2020/01/header.jpg", "2021/07/brochure.pdf");

    private final LocalCloud cloud;
    private final Timeline timeline;
    private final EfsRecords records;

    EfsSteps(LocalCloud cloud, Timeline timeline) {
        this.cloud = cloud;
        this.timeline = timeline;
        this.records = new EfsRecords(dev.fleetpress.aws.S3Ledger.create(cloud.s3(), cloud.releaseBucket(), EfsRecords.PREFIX));
    }

    /** Staging's database and site configuration, as prepareDatabase does for production. */
    static void prepareDatabase(LocalCloud cloud) {
        String config = cloud.parameterPrefix() + "/config/" + ENV + "/";
        cloud.ssm().putParameter(b -> b.name(config + "DB_HOST").value("localdb").type(ParameterType.STRING).overwrite(true));
        cloud.ssm().putParameter(b -> b.name(config + "DB_NAME").value("wp_staging").type(ParameterType.STRING).overwrite(true));
        LocalDatabase database = cloud.database("localdb", "wp_staging");
        database.install(60421);
    }

    void run() throws IOException, InterruptedException {
        long t = System.nanoTime();
        cloud.autoScaling().scale(GROUP, 2);
        boolean steady = cloud.autoScaling().awaitSteady(GROUP, LIMIT) && cloud.awaitIdle(LIMIT);
        List<InstanceView> instances = cloud.autoScaling().instances(GROUP);
        int files = steady && !instances.isEmpty() ? legacySite(instances.get(0)) : 0;
        for (InstanceView i : instances) {
            cloud.efs().mount(FILE_SYSTEM, cloud.instances().find(i.id()).orElseThrow(), "/var/www/html");
        }
        timeline.step("staging: 2 instances, webroot /var/www/html on EFS " + FILE_SYSTEM, steady && instances.size() == 2 && files > 0,
                t, files + " files installed by hand (a plugin from wp-admin, wp-config.php, a cache, " + UPLOADS.size()
                        + " uploads); 10 GiB stored: baseline 500 KiB/s, credits 2.1 TiB");

        // 1. The load drains the credits; simulated time moves an hour at a time.
        t = System.nanoTime();
        Instant start = cloud.clock().instant();
        cloud.efs().load(FILE_SYSTEM, LOAD_BYTES_PER_SECOND);
        String alarm = alarmName();
        Optional<StateChange> fired = Optional.empty();
        for (int hour = 1; hour <= 12 && fired.isEmpty(); hour++) {
            cloud.cloudWatch().advance(Duration.ofHours(1));
            fired = cloud.cloudWatch().history(alarm).stream().filter(c -> AlarmState.ALARM.equals(c.value())).findFirst();
            timeline.note(String.format(Locale.ROOT, "  simulated +%2d h: credits %.2f TiB, alarm %s", hour,
                    cloud.efs().creditBalance(FILE_SYSTEM) / Math.pow(2, 40), cloud.cloudWatch().state(alarm).value()));
        }
        Optional<Duration> firedAfter = fired.map(c -> Duration.between(start, c.at()));
        timeline.step("80 MiB/s drains the burst credits → time-to-exhaustion alarm ALARM", fired.isPresent(), t,
                firedAfter.map(d -> String.format(Locale.ROOT, "fired %s (simulated) after the load began, %.2f TiB left: "
                        + "about %s before they run out (%s)", Timeline.hours(d), cloud.efs().creditBalance(FILE_SYSTEM) / Math.pow(2, 40),
                        Timeline.hours(Duration.ofSeconds((long) (cloud.efs().creditBalance(FILE_SYSTEM) / LOAD_BYTES_PER_SECOND))), alarm)).orElse("no ALARM within 12 simulated hours"));

        // 2. The response: elastic throughput once, the incident, one notification, the exit plan.
        t = System.nanoTime();
        cloud.awaitIdle(LIMIT);
        ThroughputMode mode = cloud.efs().describeFileSystems(b -> b.fileSystemId(FILE_SYSTEM)).fileSystems().get(0).throughputMode();
        Optional<FileSystemRecord> record = records.fileSystem(FILE_SYSTEM);
        long changes = record.map(r -> r.history().stream().filter(h -> "CHANGED".equals(h.result())).count()).orElse(0L);
        long notices = cloud.sns().published(cloud.template().outputs().get("AlertTopicArn")).stream()
                .filter(p -> p.toString().contains(FILE_SYSTEM)).count();
        timeline.step("EfsFunction: elastic throughput, incident recorded, operators notified", mode == ThroughputMode.ELASTIC
                && changes == 1 && record.map(r -> r.incidents().size() == 1).orElse(false) && notices == 1, t,
                "mode " + mode + ", " + changes + " restricted change, " + notices + " notification through AlertTopic");

        // 3. The exit plan: capture → promote → migrate → report, moved by command events and the schedule.
        t = System.nanoTime();
        Optional<EvacuationRecord> plan = await(() -> records.evacuation(ENV).filter(p -> p.state() != EvacuationRecord.State.RUNNING));
        Optional<EvacuationReport> report = records.report(ENV);
        String captured = plan.map(p -> p.capture().releaseId()).orElse("");
        boolean onLocalDisk = !captured.isEmpty() && instances.stream().allMatch(i -> captured.equals(releaseOf(i)));
        timeline.step("exit plan: webroot captured as a release, promoted, uploads migrated", plan.map(p -> p.state()
                        == EvacuationRecord.State.DONE).orElse(false) && onLocalDisk && report.map(r -> r.uploadsVerified()
                        == UPLOADS.size()).orElse(false), t,
                plan.map(p -> "release " + captured + " (" + p.capture().files() + " files, kind captured), promotion "
                        + p.promotion().result() + ", migration " + p.migration().migrationId()).orElse("no finished plan")
                        + (onLocalDisk ? "; both instances serve it from local disk" : "; not every instance runs it"));
        report.ifPresent(r -> timeline.note("  report: " + r.summary()));
        boolean secretsKept = !captured.isEmpty() && !tarListing(captured).contains("wp-config.php");
        timeline.note("  the captured release " + (secretsKept ? "holds no wp-config.php, uploads or cache (left on EFS)"
                : "could not be checked for secrets"));

        // 4. Pressure over: the alarm returns to OK, and going back to bursting waits for EFS's 24-hour rule.
        t = System.nanoTime();
        cloud.efs().load(FILE_SYSTEM, 0);
        Instant changed = record.flatMap(r -> r.history().stream().filter(h -> "CHANGED".equals(h.result())).findFirst()
                .map(FileSystemRecord.HistoryEntry::at)).orElse(cloud.clock().instant());
        cloud.cloudWatch().advance(Duration.ofHours(12));
        cloud.awaitIdle(LIMIT);
        String at12 = modeOf();
        cloud.cloudWatch().advance(Duration.ofHours(14));
        cloud.awaitIdle(LIMIT);
        FileSystemRecord after = records.fileSystem(FILE_SYSTEM).orElseThrow();
        Optional<FileSystemRecord.HistoryEntry> back = after.history().stream().filter(h -> "bursting".equals(h.to())
                && "CHANGED".equals(h.result())).findFirst();
        timeline.step("pressure over: back to bursting only once EFS's 24 h rule allows", "ELASTIC".equalsIgnoreCase(at12)
                && back.isPresent() && !Duration.between(changed, back.get().at()).minusHours(24).isNegative(), t,
                "12 h after the switch still " + at12.toLowerCase(Locale.ROOT) + "; "
                        + back.map(h -> "bursting again " + Timeline.hours(Duration.between(changed, h.at())) + " after it")
                        .orElse("not back to bursting 26 h after it"));

        ByteArrayOutputStream status = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(status, true, StandardCharsets.UTF_8)) {
            EfsCommand.print(out, List.of(after), Map.of(ENV, records.evacuation(ENV)), Map.of(ENV, records.report(ENV)),
                    cloud.clock().instant());
        }
        timeline.note("fleetpress efs status " + ENV + " (simulated now " + cloud.clock().instant() + "):");
        for (String line : status.toString(StandardCharsets.UTF_8).split("\n")) {
            if (!line.isBlank()) {
                timeline.note("  " + line);
            }
        }
    }

    private String modeOf() {
        return cloud.efs().describeFileSystems(b -> b.fileSystemId(FILE_SYSTEM)).fileSystems().get(0).throughputModeAsString();
    }

    private String alarmName() {
        return cloud.cloudWatch().alarmNames().stream().filter(n -> n.endsWith("-efs-credits-" + ENV)).findFirst()
                .orElseThrow(() -> new IllegalStateException("template.yaml has no credit alarm for " + ENV));
    }

    /** Moves simulated time in 5-minute steps (EfsFunction's schedule) until {@code done} answers, for at most LIMIT. */
    private <T> Optional<T> await(Supplier<Optional<T>> done) throws InterruptedException {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<T> value = done.get();
            if (value.isPresent()) {
                return value;
            }
            cloud.cloudWatch().advance(Duration.ofMinutes(5));
            Thread.sleep(300);
        }
        return Optional.empty();
    }

    /** The release an instance's current link points at. */
    private String releaseOf(InstanceView instance) {
        try {
            return instance.root().resolve("var/www/fleetpress/current").toRealPath().getFileName().toString();
        } catch (IOException e) {
            return "";
        }
    }

    private String tarListing(String release) {
        try (var in = cloud.s3().getObject(b -> b.bucket(cloud.releaseBucket()).key("releases/" + release + "/release.tar.gz"))) {
            Process tar = new ProcessBuilder("tar", "--list", "--gzip").redirectErrorStream(true).start();
            try (var to = tar.getOutputStream()) {
                in.transferTo(to);
            }
            String listing = new String(tar.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return tar.waitFor() == 0 ? listing : "wp-config.php (tar failed)";
        } catch (IOException | NoSuchKeyException e) {
            return "wp-config.php (unreadable: " + e.getMessage() + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "wp-config.php (interrupted)";
        }
    }

    /**
     * Fills the file system with the site as it lived on EFS: the instance's installed release stands in for
     * a WordPress installed by hand, plus what such sites carry (a plugin from wp-admin, wp-config.php with
     * its secrets, a page cache, uploads). Returns the number of files.
     */
    private int legacySite(InstanceView instance) throws IOException, InterruptedException {
        Path efs = cloud.efs().folder(FILE_SYSTEM);
        Path release = instance.root().resolve("var/www/fleetpress/current").toRealPath();
        // Installed by hand: core at the top of the webroot (the release has it under vendor/, managed by composer).
        run("cp", "-a", release.resolve("vendor/fleetpress-example/wordpress") + "/.", efs.toString());
        run("cp", "-a", release.resolve("wp-content").toString(), efs.toString());
        write(efs.resolve("wp-config.php"), "<?php\ndefine('DB_PASSWORD', 'only-on-efs');\n");
        write(efs.resolve("wp-content/plugins/contact-form-lite/contact-form-lite.php"),
                "<?php\n/*\nPlugin Name: Contact Form Lite\nVersion: 2.3.1\n*/\n");
        write(efs.resolve("wp-content/cache/page/index.html"), "<html>cached</html>\n");
        for (String upload : UPLOADS) {
            write(efs.resolve("wp-content/uploads/" + upload), "media " + upload + "\n");
        }
        try (var walk = Files.walk(efs)) {
            return (int) walk.filter(Files::isRegularFile).count();
        }
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }
}
