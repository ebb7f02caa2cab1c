package dev.fleetpress.efs;

import java.util.Locale;

/**
 * EFS's throughput modes as the API names them ({@code bursting}, {@code provisioned}, {@code elastic}).
 * Moving between modes is a restricted change (once per 24 hours); so is lowering provisioned throughput.
 */
public enum ThroughputMode {
    BURSTING, PROVISIONED, ELASTIC;

    /** The API's spelling. */
    public String slug() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses the API's spelling (any case); throws {@link IllegalArgumentException} naming the value. */
    public static ThroughputMode parse(String value) {
        for (ThroughputMode mode : values()) {
            if (mode.slug().equalsIgnoreCase(value == null ? "" : value.trim())) {
                return mode;
            }
        }
        throw new IllegalArgumentException("throughput mode '" + value + "' is not bursting, provisioned or elastic");
    }
}
