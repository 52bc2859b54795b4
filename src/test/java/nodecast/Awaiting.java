package nodecast;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waiting: for what a client's reader thread records (the caller holds {@code monitor}, the reader
 * notifies it on each change), or for what can only be looked at again and again.
 */
final class Awaiting {
    private Awaiting() {
    }

    /** Looks at {@code condition} every 20 ms until it holds, at most {@code patience}; else fails, saying what was awaited. */
    static void poll(BooleanSupplier condition, Duration patience, String what) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("waited " + patience.toSeconds() + " s for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Waits until {@code condition} holds, at most {@code patience}; else fails, saying what {@code failure} says. */
    static void until(Object monitor, BooleanSupplier condition, Duration patience, Supplier<String> failure) {
        long deadline = System.nanoTime() + patience.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("waited " + patience.toSeconds() + " s: " + failure.get());
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(monitor, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }
}
