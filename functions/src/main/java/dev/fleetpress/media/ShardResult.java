package dev.fleetpress.media;

import dev.fleetpress.json.Json;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code _migration/<id>/results/shard-NNNNN.json}, written once per shard:
 * {@code {"shard","imported","skipped","rejected":[{"path","reason"}],"bytes","startedAt","finishedAt"}}.
 * Every manifest entry is counted exactly once as imported, skipped (already in S3 with its sha256) or
 * rejected; entries found in the tar but not in the manifest are rejected too.
 *
 * @param bytes bytes written to S3 by this import (skipped files excluded)
 */
public record ShardResult(int shard, long imported, long skipped, List<Rejection> rejected, long bytes,
                          Instant startedAt, Instant finishedAt) {
    public ShardResult {
        rejected = List.copyOf(rejected);
    }

    public String toJson() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("shard", shard);
        out.put("imported", imported);
        out.put("skipped", skipped);
        out.put("rejected", rejected.stream().map(r -> Json.object("path", r.path(), "reason", r.reason())).toList());
        out.put("bytes", bytes);
        out.put("startedAt", startedAt.toString());
        out.put("finishedAt", finishedAt.toString());
        return Json.write(out);
    }

    public static ShardResult parse(String json) {
        Json.Node root = Json.parse(json);
        List<Rejection> rejected = new ArrayList<>();
        for (Json.Node r : root.get("rejected").elements()) {
            rejected.add(new Rejection(r.text("path"), r.text("reason")));
        }
        Instant finished = Instant.parse(root.text("finishedAt"));
        return new ShardResult((int) root.get("shard").asLong(), root.get("imported").asLong(),
                root.get("skipped").asLong(), rejected, root.get("bytes").asLong(),
                root.findText("startedAt").map(Instant::parse).orElse(finished), finished);
    }
}
