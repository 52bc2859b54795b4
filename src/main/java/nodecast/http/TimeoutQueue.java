package nodecast.http;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.xnio.XnioExecutor;

/**
 * The wait timeouts of one IO thread's parked requests, in the order they come due, under one
 * timer of that thread for the earliest. Every request waits the same time, so a timeout
 * scheduled later comes due later: scheduling appends and cancelling unlinks, both O(1), where
 * one XNIO timer per request costs a tree insertion and a removal, each under the thread's lock,
 * per request. (A shorter delay than the last one's still works: it is walked back into place.)
 *
 * <p>Used on its IO thread only, so it needs no lock; the timer fires there too.
 */
final class TimeoutQueue {
    private final XnioExecutor thread;
    private final LongSupplier nanoTime;
    /** The ends of a circular list: {@code ends.next} comes due first, {@code ends.previous} last. */
    private final Timeout ends = new Timeout(0, null);
    /** When the timer of this thread fires next; meaningful while {@code timer} is set. */
    private long timerAt;
    private XnioExecutor.Key timer;

    TimeoutQueue(XnioExecutor thread, LongSupplier nanoTime) {
        this.thread = thread;
        this.nanoTime = nanoTime;
        ends.next = ends;
        ends.previous = ends;
    }

    /** Runs {@code timeout} after {@code delayNanos}, unless the returned cancel is run first. */
    Runnable schedule(long delayNanos, Runnable timeout) {
        Timeout added = new Timeout(nanoTime.getAsLong() + delayNanos, timeout);
        Timeout before = ends.previous;
        while (before != ends && before.dueAt - added.dueAt > 0) {
            before = before.previous;
        }
        added.linkAfter(before);
        fireBy(added.dueAt);
        return added;
    }

    /**
     * Runs every timeout that has come due, then sets the timer for the next. A timeout cancelled
     * meanwhile is simply gone: the timer finds the next one not yet due and waits for it. A
     * timeout may schedule another (its connection's next request): the timer is set for
     * whichever comes first, and set again even if a timeout throws, so none is forgotten.
     */
    private void fire() {
        timer = null;
        try {
            long now = nanoTime.getAsLong();
            while (ends.next != ends && ends.next.dueAt - now <= 0) {
                Timeout due = ends.next;
                due.unlink();
                due.timeout.run();
            }
        } finally {
            if (ends.next != ends) {
                fireBy(ends.next.dueAt);
            }
        }
    }

    /** Sets the timer to fire at {@code dueAt}, unless it fires sooner already. */
    private void fireBy(long dueAt) {
        if (timer != null && dueAt - timerAt >= 0) {
            return;
        }
        if (timer != null) {
            timer.remove();
        }
        timerAt = dueAt;
        // Rounded up to the millisecond, the timer's unit: never early, so one firing finds it due.
        long millis = TimeUnit.NANOSECONDS.toMillis(Math.max(0, dueAt - nanoTime.getAsLong())) + 1;
        timer = thread.executeAfter(this::fire, millis, TimeUnit.MILLISECONDS);
    }

    /** One request's timeout, linked into its thread's list; running it cancels it. */
    private static final class Timeout implements Runnable {
        final long dueAt;
        final Runnable timeout;
        Timeout previous;
        Timeout next;

        Timeout(long dueAt, Runnable timeout) {
            this.dueAt = dueAt;
            this.timeout = timeout;
        }

        void linkAfter(Timeout before) {
            previous = before;
            next = before.next;
            before.next.previous = this;
            before.next = this;
        }

        /** Leaves the list; a second time, or once fired, it does nothing. */
        void unlink() {
            if (next != null) {
                previous.next = next;
                next.previous = previous;
                next = null;
                previous = null;
            }
        }

        @Override
        public void run() {
            unlink();
        }
    }
}
