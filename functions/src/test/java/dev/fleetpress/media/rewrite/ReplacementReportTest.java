package dev.fleetpress.media.rewrite;

import static org.assertj.core.api.Assertions.assertThat;

import dev.fleetpress.json.Json;
import org.junit.jupiter.api.Test;

class ReplacementReportTest {
    @Test
    void parse_whenWpCliPrintedItsPipedTable_readsEachChangedColumnAndTheTotal() {
        String stdout = "fleetpress-rewrite-urls: wp search-replace on r-0123456789ab (dry run: true)\n"
                + "Table\tColumn\tReplacements\tType\n"
                + "wp_posts\tpost_content\t12\tPHP\n"
                + "wp_postmeta\tmeta_value\t3\tPHP\n"
                + "Success: 15 replacements to be made.\n"
                + "FLEETPRESS_RESULT replacements=15 dry_run=true\n";

        ReplacementReport report = ReplacementReport.parse(stdout).orElseThrow();

        assertThat(report.total()).isEqualTo(15);
        assertThat(report.dryRun()).isTrue();
        assertThat(report.rows()).containsExactly(new ReplacementReport.Row("wp_posts", "post_content", 12, "PHP"),
                new ReplacementReport.Row("wp_postmeta", "meta_value", 3, "PHP"));
        assertThat(report.omittedRows()).isZero();
    }

    @Test
    void parse_whenTheScriptOmittedLines_saysHowMany() {
        ReplacementReport report = ReplacementReport.parse("wp_posts\tpost_content\t1\tSQL\n"
                + "fleetpress-rewrite-urls: 250 more report lines omitted\nSuccess: Made 400 replacements.\n"
                + "FLEETPRESS_RESULT replacements=400 dry_run=false\n").orElseThrow();

        assertThat(report.omittedRows()).isEqualTo(250);
        assertThat(report.dryRun()).isFalse();
    }

    @Test
    void parse_whenNothingChanged_hasNoRowsAndZero() {
        ReplacementReport report = ReplacementReport.parse("Success: 0 replacements to be made.\r\n"
                + "FLEETPRESS_RESULT replacements=0 dry_run=true\r\n").orElseThrow();

        assertThat(report.rows()).isEmpty();
        assertThat(report.total()).isZero();
    }

    @Test
    void parse_whenThereIsNoResultLine_isEmpty() {
        assertThat(ReplacementReport.parse("Table\tColumn\tReplacements\tType\nwp_posts\tpost_content\t12\tPHP\n")).isEmpty();
        assertThat(ReplacementReport.parse("")).isEmpty();
    }

    @Test
    void toJson_roundTrips() {
        ReplacementReport report = ReplacementReport.parse("wp_posts\tpost_content\t2\tPHP\n"
                + "FLEETPRESS_RESULT replacements=2 dry_run=true\n").orElseThrow();

        assertThat(ReplacementReport.fromJson(Json.parse(Json.write(report.toJson())))).isEqualTo(report);
    }
}
