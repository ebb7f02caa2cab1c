package dev.fleetpress.cli;

import dev.fleetpress.cli.ReleaseOperations.Deployment;
import dev.fleetpress.cli.ReleaseOperations.EnvironmentView;
import dev.fleetpress.cli.ReleaseOperations.Gate;
import dev.fleetpress.cli.ReleaseOperations.InstanceView;
import dev.fleetpress.cli.ReleaseOperations.Release;
import dev.fleetpress.cli.ReleaseOperations.Rollout;
import dev.fleetpress.json.Json;
import dev.fleetpress.upgrade.DatabaseRecord;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code fleetpress status}: per environment, the current release, its rollout, the release each
 * instance runs, the database upgrade gate, the database's version and block, and recent history.
 */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = {"Show each environment's current release, its rollout, the release each instance runs, the "
                + "database upgrade and recent history. Reads the running localcloud, else the data folder of the last "
                + "one (.localcloud/ or FLEETPRESS_HOME), or AWS with --aws.",
                "Exit codes: 0 shown, 2 bad input or cloud unreachable."})
final class StatusCommand implements Callable<Integer> {
    @Parameters(index = "0", arity = "0..1", paramLabel = "<env>", description = "Only this environment.")
    String environment;

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Option(names = "--history", paramLabel = "N", defaultValue = "5",
            description = "History entries per environment (default: ${DEFAULT-VALUE}).")
    int history;

    @Mixin
    Backend.Options backend;

    @Override
    public Integer call() {
        if (history < 0) {
            System.err.println("fleetpress: --history must be 0 or more, got " + history);
            return 2;
        }
        return Backend.run(backend::openForReading, (operations, out) -> {
            List<String> names = environment == null ? operations.environments() : List.of(environment);
            List<EnvironmentView> views = new ArrayList<>();
            for (String name : names) {
                views.add(operations.status(name, history));
            }
            out.println(json ? toJson(views) : toText(views));
            return 0;
        });
    }

    static String toText(List<EnvironmentView> views) {
        if (views.isEmpty()) {
            return "No environment has a release yet. Push to a mapped ref (refs/heads/main → production, tags v* → staging).";
        }
        StringBuilder out = new StringBuilder();
        for (EnvironmentView view : views) {
            Release current = view.current();
            out.append(String.format("%s  %s  %s  (pointer v%d)%n", view.environment(), current.id(), wordpress(current),
                    view.pointerVersion()));
            Rollout rollout = view.rollout();
            out.append(String.format("  rollout    %s%n", rollout == Rollout.NONE ? "none yet"
                    : rollout.state() + "  v" + rollout.pointerVersion() + " " + rollout.release() + ": " + rollout.reason()));
            out.append(String.format("  instances  %s%n", view.instances().isEmpty() ? "none recorded"
                    : view.instances().size() + ", " + (view.instances().size() - view.behind().size()) + " on "
                    + current.id()));
            for (InstanceView i : view.instances()) {
                out.append(String.format("    %-20s %-15s %-18s%s%s", i.instanceId(), i.release().isEmpty() ? "-" : i.release(),
                        i.state(), i.activation().isEmpty() ? "" : " activation " + i.activation(),
                        i.onCurrent() ? "" : "  ← not on " + current.id()).stripTrailing()).append('\n');
            }
            out.append(String.format("  upgrade    %s%n", gate(view.upgrade())));
            out.append(String.format("  database   %s%n", database(view.environment(), view.database())));
            out.append("  history\n");
            for (Deployment d : view.history()) {
                out.append(String.format("    %s v%-3d %-15s %s  %-45s rollout %-10s upgrade %s%n",
                        d.version() == view.pointerVersion() ? "▶" : " ", d.version(), d.release().id(),
                        d.promotedAt().truncatedTo(ChronoUnit.SECONDS), describe(d.release()), d.rollout(), d.upgrade()));
            }
        }
        return out.toString().stripTrailing();
    }

    private static String wordpress(Release r) {
        if (!r.recorded()) {
            return "(no release record: the pointer was set by hand)";
        }
        return r.wordpressVersion().isEmpty() ? "(no WordPress core)"
                : "WordPress " + r.wordpressVersion() + " (db version " + r.dbVersion() + ")";
    }

    private static String describe(Release r) {
        if (!r.recorded()) {
            return "(no release record)";
        }
        String commit = r.commit().isEmpty() ? "-" : r.commit().substring(0, Math.min(12, r.commit().length()));
        String wp = r.wordpressVersion().isEmpty() ? "" : ", WP " + r.wordpressVersion() + " (db " + r.dbVersion() + ")";
        return commit + " " + r.ref() + wp;
    }

    private static String gate(Gate g) {
        if (g.state().equals(ReleaseOperations.NONE)) {
            return "not started for " + g.release() + " (the rollout starts it once the release is activated)";
        }
        String where = g.instanceId().isEmpty() ? "" : " on " + g.instanceId()
                + (g.commandId().isEmpty() ? "" : ", command " + g.commandId());
        return g.state() + "  " + g.release() + ", attempt " + g.attempt() + where + ": " + g.reason();
    }

    private static String database(String environment, DatabaseRecord db) {
        String version = db.dbVersion() == 0 ? "no upgrade recorded yet"
                : "db version " + db.dbVersion() + " (upgraded by " + db.upgradedBy() + ")";
        if (!db.blocked()) {
            return version + ", not blocked";
        }
        return version + ", BLOCKED: the upgrade of " + db.blockedRelease() + " failed (" + db.blockedReason()
                + "). Fix the cause, then run fleetpress upgrade ack " + environment;
    }

    static String toJson(List<EnvironmentView> views) {
        List<Object> out = new ArrayList<>();
        for (EnvironmentView view : views) {
            List<Object> history = new ArrayList<>();
            for (Deployment d : view.history()) {
                Map<String, Object> entry = Json.object("version", d.version(), "release", d.release().id(),
                        "promotedAt", d.promotedAt().toString());
                entry.putAll(release(d.release()));
                entry.put("rollout", d.rollout());
                entry.put("upgrade", d.upgrade());
                history.add(entry);
            }
            List<Object> instances = new ArrayList<>();
            for (InstanceView i : view.instances()) {
                instances.add(Json.object("instanceId", i.instanceId(), "group", i.group(), "release", i.release(),
                        "state", i.state(), "phase", i.phase(), "activation", i.activation(), "onCurrent", i.onCurrent(),
                        "reason", i.reason(), "updatedAt", i.updatedAt().toString()));
            }
            Rollout r = view.rollout();
            Gate g = view.upgrade();
            DatabaseRecord db = view.database();
            Map<String, Object> env = Json.object("environment", view.environment(), "current", view.current().id(),
                    "pointerVersion", view.pointerVersion());
            env.putAll(release(view.current()));
            env.put("rollout", Json.object("state", r.state(), "release", r.release(), "pointerVersion", r.pointerVersion(),
                    "commandId", r.commandId(), "instances", r.instances(), "reason", r.reason(),
                    "updatedAt", time(r.updatedAt())));
            env.put("instances", instances);
            env.put("upgrade", Json.object("state", g.state(), "release", g.release(), "attempt", g.attempt(),
                    "instanceId", g.instanceId(), "commandId", g.commandId(), "reason", g.reason(),
                    "updatedAt", time(g.updatedAt())));
            env.put("database", Json.object("dbVersion", db.dbVersion(), "upgradedBy", db.upgradedBy(),
                    "blocked", db.blocked(), "blockedRelease", db.blockedRelease(), "blockedReason", db.blockedReason()));
            env.put("history", history);
            out.add(env);
        }
        return Json.write(Json.object("environments", out));
    }

    private static Map<String, Object> release(Release r) {
        if (!r.recorded()) {
            return Json.object("recorded", false);
        }
        return Json.object("recorded", true, "commit", r.commit(), "ref", r.ref(), "fileCount", r.fileCount(),
                "sha256", r.sha256(), "wordpress", r.wordpressVersion().isEmpty() ? null
                        : Json.object("version", r.wordpressVersion(), "dbVersion", r.dbVersion()));
    }

    private static String time(Instant instant) {
        return Instant.EPOCH.equals(instant) ? null : instant.toString();
    }
}
