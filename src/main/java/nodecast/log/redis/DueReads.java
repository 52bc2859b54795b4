package nodecast.log.redis;

import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.Predicate;

/**
 * The channels due a read, in the order they come due, so the sync thread looks at the first
 * one instead of every channel after every event. Run only by {@link RedisSync}'s thread.
 * A channel whose subscription does not hear is set aside until it is scheduled again, which
 * the subscription's next {@code Subscribed} does.
 */
final class DueReads {
    private record Entry(long at, long order, ChannelSync sync) {
    }

    private final PriorityQueue<Entry> queue = new PriorityQueue<>(Comparator.comparingLong(Entry::at).thenComparingLong(Entry::order));
    /** When each channel in the queue is due; an entry that disagrees was rescheduled and is skipped. */
    private final Map<ChannelSync, Long> scheduled = new IdentityHashMap<>();
    private long order;

    /** {@code sync} is due at {@code at} (Long.MAX_VALUE: not due). */
    void schedule(ChannelSync sync, long at) {
        if (at == Long.MAX_VALUE) {
            scheduled.remove(sync);
        } else {
            Long was = scheduled.put(sync, at);
            if (was == null || was != at) {
                queue.add(new Entry(at, order++, sync));
            }
        }
    }

    /** The channel due first, by {@code now}, that {@code readable} allows, taken off the queue; null if none. */
    ChannelSync takeDue(long now, Predicate<ChannelSync> readable) {
        Entry head = head(readable);
        if (head == null || head.at() - now > 0) {
            return null;
        }
        queue.poll();
        scheduled.remove(head.sync());
        return head.sync();
    }

    /** When the first channel {@code readable} allows is due, or Long.MAX_VALUE. */
    long nextAt(Predicate<ChannelSync> readable) {
        Entry head = head(readable);
        return head == null ? Long.MAX_VALUE : head.at();
    }

    /** The first entry still meant and readable; entries rescheduled since, or of channels not readable now, are dropped on the way. */
    private Entry head(Predicate<ChannelSync> readable) {
        for (Entry head = queue.peek(); head != null; head = queue.peek()) {
            Long at = scheduled.get(head.sync());
            if (at != null && at == head.at()) {
                if (readable.test(head.sync())) {
                    return head;
                }
                scheduled.remove(head.sync());
            }
            queue.poll();
        }
        return null;
    }
}
