package dev.fleetpress.media;

/** An archive entry that was not imported, and why. */
public record Rejection(String path, String reason) {
}
