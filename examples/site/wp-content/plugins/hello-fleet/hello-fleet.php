<?php
/**
 * Plugin Name:       Hello Fleet
 * Plugin URI:        https://example.com/fleetpress/hello-fleet
 * Description:       Sample plugin of the FleetPress example site: prints a greeting from a composer library in the footer and through the [hello_fleet] shortcode.
 * Version:           1.0.0
 * Requires at least: 6.5
 * Requires PHP:      8.1
 * Author:            FleetPress
 * License:           GPL-2.0-or-later
 * License URI:       https://www.gnu.org/licenses/gpl-2.0.html
 * Text Domain:       hello-fleet
 */

defined( 'ABSPATH' ) || exit;

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
