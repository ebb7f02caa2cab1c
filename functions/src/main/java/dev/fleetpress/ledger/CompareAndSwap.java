package dev.fleetpress.ledger;

import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The retry loop every claim holder runs around a compare-and-swap: read the record, give up when it is
 * no longer held (by this caller, in the state the caller expects), swap, and read again when the swap
 * lost. S3 can refuse a conditional write while another write on the key is in flight, even when that one
 * fails, so a lost swap alone does not mean the claim is gone; only the re-read says.
 *
 * <p>Used by the database upgrade gate and the media URL rewrite, whose records are claimed once
 * (create-if-absent) and then moved by their holder.
 */
public final class CompareAndSwap {
    /** How often a caller re-reads a record that keeps changing before it gives up. */
    public static final int ATTEMPTS = 20;

    private CompareAndSwap() {
    }

    /**
     * Calls {@code swap} on what {@code heldRecord} reads until a swap wins (true), the record is no longer
     * held ({@code heldRecord} empty: false), or {@value #ATTEMPTS} swaps lost (false).
     *
     * @param heldRecord the record with its version, empty once the caller no longer holds it
     * @param swap       the compare-and-swap of that version: true when it won
     */
    public static <S> boolean whileHeld(Supplier<Optional<S>> heldRecord, Predicate<? super S> swap) {
        for (int i = 0; i < ATTEMPTS; i++) {
            Optional<S> held = heldRecord.get();
            if (held.isEmpty()) {
                return false;
            }
            if (swap.test(held.get())) {
                return true;
            }
        }
        return false;
    }
}
