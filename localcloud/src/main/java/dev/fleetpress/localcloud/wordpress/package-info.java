/**
 * WordPress's database and wp-cli, as far as localcloud's instance sandboxes need them: the release
 * rollout's database-upgrade gate runs {@code wp core update-db} (and plugins' upgraders such as
 * {@code wp wc update}) on one instance, and localcloud has neither MySQL nor wp-cli.
 *
 * <h2>{@code wp} is a stand-in for wp-cli</h2>
 *
 * <p>wp-cli cannot be installed on the machines localcloud runs on, so every instance sandbox gets
 * {@code <root>/usr/local/bin/wp} ({@link WpStandIn}), a bash script that imitates wp-cli's output
 * and exit codes for exactly these commands, and runs no PHP and no WordPress code:
 * <ul>
 *   <li>{@code wp --path=<dir> core update-db}: compares the database's schema version with the
 *       release's {@code $wp_db_version} (from the shallowest {@code wp-includes/version.php} under
 *       {@code <dir>}); when they differ, records the release's and prints
 *       {@code Success: WordPress database upgraded successfully from db version X to Y.} (as wp-cli
 *       does, also when the release's version is lower, after a rollback), else
 *       {@code Success: WordPress database already at latest db version Y.}; exit 0. Not installed:
 *       {@code Error: The site you have requested is not installed.}, exit 1.</li>
 *   <li>{@code wp --path=<dir> core version}: prints the release's {@code $wp_version}.</li>
 *   <li>{@code wp --path=<dir> plugin is-active <slug>}: exit 0 when {@code <dir>/wp-content/plugins/<slug>/}
 *       exists and the database lists the slug as active, 1 otherwise; prints nothing.</li>
 *   <li>{@code wp --path=<dir> search-replace <old> <new> [<table>...]} with {@code --dry-run},
 *       {@code --precise}, {@code --report-changed-only}, {@code --all-tables-with-prefix} and
 *       {@code --skip-columns=<a,b>}: counts the rows of each column whose text contains {@code <old>}
 *       literally and, unless {@code --dry-run}, replaces every occurrence; searches the tables whose names
 *       start with the table prefix ({@code TABLE_PREFIX} or a literal {@code $table_prefix} in
 *       wp-config.php, else {@code wp_}) or the named ones, always skipping {@code user_pass}. Prints
 *       wp-cli's report as it prints it when standard output is not a terminal (tab-separated
 *       {@code Table Column Replacements Type} lines, {@code PHP} with {@code --precise}, else {@code SQL}),
 *       then {@code Success: N replacements to be made.} or {@code Success: Made N replacements.} (singular
 *       for 1); identical {@code <old>} and {@code <new>}: wp-cli's warning, exit 0. A stand-in: it does not
 *       understand PHP serialized values (wp-cli rewrites them with their lengths; here a serialized string
 *       whose length changes is left inconsistent), and without {@code --all-tables-with-prefix} it searches
 *       the same tables (it has no {@code $wpdb} registry).</li>
 *   <li>{@code wp --path=<dir> <other words>} (a plugin's own command, such as {@code wc update}):
 *       prints {@code Success: <words> (localcloud stand-in: no plugin code runs)}, exit 0. Other
 *       {@code core} and {@code plugin} subcommands are refused (exit 1) rather than faked.</li>
 * </ul>
 * It needs {@code --path=<dir>} (wp-cli would default to the current folder) and accepts
 * {@code --allow-root}, {@code --skip-plugins} and {@code --skip-themes}, which change nothing here;
 * any other option (and search-replace's options on another command) is an error
 * ({@code Error: Parameter errors:}, exit 1). It does not refuse to run
 * as root: on EC2, Run Command runs as root and real wp-cli then needs {@code --allow-root}. Errors go
 * to stderr as {@code Error: …} lines, success to stdout.
 *
 * <h2>Databases are folders</h2>
 *
 * <p>A database is {@code <dataDir>/databases/<DB_HOST>/<DB_NAME>/} ({@link LocalDatabases}; Run
 * Command gives commands {@code FLEETPRESS_LOCAL_DATABASES=<dataDir>/databases}); {@code wp} reads
 * DB_HOST and DB_NAME from {@code <dir>/wp-config.php} (or the folder above, as WordPress does) with
 * sed. The folder holds {@code db_version} (the schema version; absent until WordPress is
 * installed), {@code active_plugins} (slugs, one a line), optionally {@code fail-next} (the next
 * {@code core update-db} prints {@code Error: <its text>}, exits 1 and removes it: fault injection),
 * {@code tables/<table>/<column>/<row id>} (the text of one cell, for search-replace; set it with
 * {@link LocalDatabase#putRow}), {@code history.log} (one line per command that reached the database:
 * {@code <UTC time>\t<instance id>\t<command words and search-replace options>\t<exit code>}, the instance from
 * {@code FLEETPRESS_INSTANCE_ID} or the host name) and {@code lock}: each command holds
 * {@code flock} on it from reading to recording, so concurrent commands on one database run one
 * after the other and their history lines never interleave. A database folder that does not exist
 * is a failed connection ({@code Error: Error establishing a database connection.}, exit 1, no
 * history). Set databases up and inspect them with {@link LocalDatabase}
 * ({@code LocalCloud#database(host, name)}).
 */
package dev.fleetpress.localcloud.wordpress;
