<?php
/**
 * Plugin Name:       Hello Fleet
 * Plugin URI:        https://example.com/fleetpress/hello-fleet
 * Description:       Sample plugin of the FleetPress example site: prints a greeting from a composer library in the footer and through the [hello_fleet] shortcode.
 * Version:           1.1.0
 * Requires at least: 6.5
 * Requires PHP:      8.1
 * Author:            FleetPress
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       hello-fleet
 */

defined( 'ABSPATH' ) || exit;

/*
 * 1.1.0 keeps a table of greetings shown, so it has a database change: schema version 2. The change
 * runs once per site through `wp hello-fleet upgrade` (FleetPress's upgrade gate runs it on one
 * instance when PluginUpgraders includes hello-fleet=hello-fleet upgrade), never on a page view of
 * each server.
 */
const HELLO_FLEET_DB_VERSION = 2;

use FleetPressExample\Greeting\Greeter;

// The site's composer autoloader lives in the site root (vendor/ is installed by the release
// build). WordPress does not load it by itself, so load it once if nothing else has.
if ( ! class_exists( Greeter::class ) ) {
	$hello_fleet_autoloader = dirname( __DIR__, 3 ) . '/vendor/autoload.php';
	if ( is_readable( $hello_fleet_autoloader ) ) {
		require_once $hello_fleet_autoloader;
	}
	unset( $hello_fleet_autoloader );
}

/**
 * Returns the greeting, or an empty string when the library is missing (a release built
 * without `composer install`): the site keeps working without the greeting.
 */
function hello_fleet_greeting(): string {
	if ( ! class_exists( Greeter::class ) ) {
		return '';
	}
	return Greeter::of( 'FleetPress' )->greeting();
}

add_shortcode(
	'hello_fleet',
	static function (): string {
		return esc_html( hello_fleet_greeting() );
	}
);

add_action(
	'wp_footer',
	static function (): void {
		$greeting = hello_fleet_greeting();
		if ( '' !== $greeting ) {
			printf( '<p class="hello-fleet">%s</p>', esc_html( $greeting ) );
		}
	}
);

/**
 * Creates or updates the plugin's table when the stored schema version is older; idempotent.
 *
 * @return string what it did, for the command line
 */
function hello_fleet_upgrade(): string {
	global $wpdb;
	$installed = (int) get_option( 'hello_fleet_db_version', 1 );
	if ( $installed >= HELLO_FLEET_DB_VERSION ) {
		return sprintf( 'hello-fleet database already at schema %d', $installed );
	}
	require_once ABSPATH . 'wp-admin/includes/upgrade.php';
	$table = $wpdb->prefix . 'hello_fleet_greetings';
	dbDelta(
		"CREATE TABLE {$table} (
			id bigint(20) unsigned NOT NULL AUTO_INCREMENT,
			shown_at datetime NOT NULL,
			greeting varchar(191) NOT NULL,
			PRIMARY KEY  (id)
		) {$wpdb->get_charset_collate()};"
	);
	update_option( 'hello_fleet_db_version', HELLO_FLEET_DB_VERSION );
	return sprintf( 'hello-fleet database upgraded from schema %d to %d', $installed, HELLO_FLEET_DB_VERSION );
}

if ( defined( 'WP_CLI' ) && WP_CLI ) {
	WP_CLI::add_command(
		'hello-fleet upgrade',
		static function (): void {
			WP_CLI::success( hello_fleet_upgrade() );
		}
	);
}
