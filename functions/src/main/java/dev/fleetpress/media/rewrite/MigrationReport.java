package dev.fleetpress.media.rewrite;

import java.util.Objects;

/**
 * A migration's verification report ({@code _migration/<id>/report.json}, written once by MediaFunction),
 * as far as the rewrite needs it.
 *
 * @param environment the environment the migration belongs to (report.json's, else started.json's); empty
 *                    when neither says (an export started by hand)
 * @param complete    the report's own verdict: every manifest entry is in S3 or rejected with a reason
 * @param rejected    entries the import refused (with a reason); their old URLs are rewritten too
 * @param missing     entries neither in S3 nor rejected
 */
public record MigrationReport(String migrationId, String environment, boolean complete, long entries, long verified,
                              int rejected, int missing, String finishedAt) {
    public MigrationReport {
        Objects.requireNonNull(migrationId, "migrationId");
        Objects.requireNonNull(environment, "environment");
        Objects.requireNonNull(finishedAt, "finishedAt");
    }

    /** Complete, and nothing missing: the files every old URL points at are in S3 (or were refused with a reason). */
    public boolean completeWithNothingMissing() {
        return complete && missing == 0;
    }
}
