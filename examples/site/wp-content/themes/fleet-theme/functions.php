<?php
/**
 * Fleet Theme setup.
 *
 * @package FleetTheme
 */

defined( 'ABSPATH' ) || exit;

add_action(
	'after_setup_theme',
	static function (): void {
		add_theme_support( 'title-tag' );
		add_theme_support( 'html5', array( 'search-form', 'gallery', 'caption', 'style', 'script' ) );
	}
);

add_action(
	'wp_enqueue_scripts',
	static function (): void {
		$theme = wp_get_theme();
		wp_enqueue_style( 'fleet-theme', get_stylesheet_uri(), array(), $theme->get( 'Version' ) );
	}
);
