package dev.fleetpress.media.rewrite;

import dev.fleetpress.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code wp search-replace --report-changed-only} reported, read from the rewrite document's output:
 * wp-cli prints its report through php-cli-tools' table, which, when standard output is not a terminal (as
 * under SSM), writes tab-separated lines {@code Table\tColumn\tReplacements\tType} and one line per changed
 * column, then {@code Success: N replacements to be made.} (dry run) or {@code Success: Made N replacements.};
 * instance/rewrite-urls.sh ends with {@code FLEETPRESS_RESULT replacements=<n> dry_run=<true|false>}.
 *
 * <p>With {@code --precise} a column's count is the number of rows changed in it, not of occurrences.
 *
 * @param rows        the changed columns, in wp-cli's order
 * @param omittedRows report lines the script left out (it prints at most 200, to stay within what SSM keeps)
 * @param total       the total the script read from wp-cli's success line
 */
public record ReplacementReport(List<Row> rows, int omittedRows, long total, boolean dryRun) {
    /** No report: nothing ran. */
    public static final ReplacementReport NONE = new ReplacementReport(List.of(), 0, 0, true);

    private static final Pattern ROW = Pattern.compile("^([^\\t]+)\\t([^\\t]*)\\t([0-9]{1,18})\\t(PHP|SQL)$");
    private static final Pattern OMITTED = Pattern.compile("^fleetpress-rewrite-urls: ([0-9]{1,9}) more report lines? omitted$");
    private static final Pattern RESULT = Pattern.compile("^FLEETPRESS_RESULT replacements=([0-9]{1,18}) dry_run=(true|false)$");

    /** One changed column: its table, its name, the rows changed in it, and how wp-cli searched it (PHP or SQL). */
    public record Row(String table, String column, long replacements, String type) {
        public Row {
            Objects.requireNonNull(table, "table");
            Objects.requireNonNull(column, "column");
            Objects.requireNonNull(type, "type");
        }
    }

    public ReplacementReport {
        rows = List.copyOf(rows);
    }

    /** The report in {@code stdout}; empty when it has no result line (the script did not get that far, or SSM cut it). */
    public static Optional<ReplacementReport> parse(String stdout) {
        List<Row> rows = new ArrayList<>();
        int omitted = 0;
        Matcher result = null;
        for (String line : stdout.split("\r?\n")) {
            Matcher row = ROW.matcher(line);
            Matcher more = OMITTED.matcher(line);
            Matcher last = RESULT.matcher(line);
            if (row.matches()) {
                rows.add(new Row(row.group(1), row.group(2), Long.parseLong(row.group(3)), row.group(4)));
            } else if (more.matches()) {
                omitted = Integer.parseInt(more.group(1));
            } else if (last.matches()) {
                result = last;
            }
        }
        if (result == null) {
            return Optional.empty();
        }
        return Optional.of(new ReplacementReport(rows, omitted, Long.parseLong(result.group(1)),
                Boolean.parseBoolean(result.group(2))));
    }

    Map<String, Object> toJson() {
        List<Object> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(Json.object("table", r.table(), "column", r.column(), "replacements", r.replacements(), "type", r.type()));
        }
        return Json.object("rows", out, "omittedRows", omittedRows, "total", total, "dryRun", dryRun);
    }

    static ReplacementReport fromJson(Json.Node n) {
        List<Row> rows = new ArrayList<>();
        for (Json.Node r : n.get("rows").elements()) {
            rows.add(new Row(r.text("table"), r.text("column"), r.get("replacements").asLong(), r.text("type")));
        }
        return new ReplacementReport(rows, (int) n.get("omittedRows").asLong(), n.get("total").asLong(),
                n.get("dryRun").asBoolean());
    }
}
