package dev.fleetpress.efs;

/** CloudWatch's alarm states. */
public enum AlarmState {
    OK, ALARM, INSUFFICIENT_DATA;

    /** Throws {@link IllegalArgumentException} for a value CloudWatch does not have. */
    public static AlarmState parse(String value) {
        for (AlarmState state : values()) {
            if (state.name().equals(value)) {
                return state;
            }
        }
        throw new IllegalArgumentException("alarm state '" + EfsIds.shorten(value) + "' is not OK, ALARM or INSUFFICIENT_DATA");
    }
}
