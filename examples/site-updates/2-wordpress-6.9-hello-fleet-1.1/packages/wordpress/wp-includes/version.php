<?php
/**
 * WordPress Version
 *
 * Stand-in for the FleetPress sample site: the values below are the ones
 * WordPress 6.9 ships in wp-includes/version.php (60717 since 6.9-alpha). This package contains no
 * other part of WordPress (see ../README.md).
 *
 * @global string $wp_version
 */
$wp_version = '6.9';

/**
 * Holds the WordPress DB revision, increments when changes are made to the WordPress DB schema.
 *
 * @global int $wp_db_version
 */
$wp_db_version = 60717;
