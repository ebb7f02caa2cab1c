package dev.fleetpress.media.rewrite;

import java.util.Optional;

/**
 * The media migrations' verification reports (on AWS: the media bucket's {@code _migration/<id>/}).
 * Failures of the store throw its adapter's exception.
 */
public interface MigrationReports {
    /** The report of {@code migrationId}; empty while it has none (its import still runs) or when there is no such migration. */
    Optional<MigrationReport> report(String migrationId);

    /** Whether the bucket holds anything of {@code migrationId} (so an empty {@link #report} means "not finished", not "unknown"). */
    boolean exists(String migrationId);
}
