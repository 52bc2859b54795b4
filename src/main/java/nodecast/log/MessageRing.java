package nodecast.log;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The newest messages of a log, at most {@code capacity}, with contiguous ids
 * {@code [start, end)}. Finding a message by id is O(1), so reading k messages costs O(k).
 * Not thread-safe: its owner guards it.
 */
public final class MessageRing {
    private final Message[] slots;
    private long start;
    private long end;

    public MessageRing(int capacity) {
        slots = new Message[capacity];
    }

    public long start() {
        return start;
    }

    public long end() {
        return end;
    }

    /** Appends the message whose id is {@link #end()}, dropping the oldest one if full. */
    public void add(Message message) {
        if (message.id() != end) {
            throw new IllegalArgumentException("expected id " + end + ", got " + message.id());
        }
        slots[slot(end)] = message;
        end++;
        if (end - start > slots.length) {
            start = end - slots.length;
        }
    }

    /** Empties the ring; the next message added must have id {@code nextId}. */
    public void reset(long nextId) {
        Arrays.fill(slots, null);
        start = nextId;
        end = nextId;
    }

    /** Forgets every message below {@code id}; if that is past the end, the next message added must have id {@code id}. */
    public void dropBefore(long id) {
        if (id >= end) {
            reset(id);
        } else {
            for (long gone = start; gone < id; gone++) {
                slots[slot(gone)] = null;
            }
            start = Math.max(start, id);
        }
    }

    /** Replaces the contents with {@code messages} (contiguous ids, oldest first), followed by {@code nextId}. */
    public void reset(List<Message> messages, long nextId) {
        reset(messages.isEmpty() ? nextId : messages.get(0).id());
        messages.forEach(this::add);
        if (end != nextId) {
            throw new IllegalArgumentException("messages end at " + end + ", next id is " + nextId);
        }
    }

    /** At most {@code limit} messages from id {@code from} on, or from the oldest kept if that is later. */
    public List<Message> from(long from, int limit) {
        long first = Math.max(from, start);
        long last = Math.min(end, first + limit);
        List<Message> out = new ArrayList<>((int) Math.max(0, last - first));
        for (long id = first; id < last; id++) {
            out.add(slots[slot(id)]);
        }
        return out;
    }

    public int capacity() {
        return slots.length;
    }

    public int size() {
        return (int) (end - start);
    }

    private int slot(long id) {
        return (int) (id % slots.length);
    }
}
