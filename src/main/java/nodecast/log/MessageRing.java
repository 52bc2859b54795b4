package nodecast.log;

import java.util.ArrayList;
import java.util.List;

/**
 * The newest messages of a log, at most {@code capacity}, with contiguous ids
 * {@code [start, end)}. Finding a message by id is O(1), so reading k messages costs O(k).
 * Its array starts small and doubles as messages come, up to the capacity: a server holds a ring
 * per channel (two, with the in-memory log), and most channels hold far fewer than the most they
 * may. Not thread-safe: its owner guards it.
 */
public final class MessageRing {
    private static final int FIRST_SIZE = 16;

    private final int capacity;
    private Message[] slots;
    private long start;
    private long end;

    public MessageRing(int capacity) {
        this.capacity = capacity;
        this.slots = new Message[Math.min(capacity, FIRST_SIZE)];
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
        if (end - start == slots.length && slots.length < capacity) {
            grow();
        }
        slots[slot(end)] = message;
        end++;
        if (end - start > capacity) {
            start = end - capacity;
        }
    }

    /** Empties the ring (back to its first size); the next message added must have id {@code nextId}. */
    public void reset(long nextId) {
        slots = new Message[Math.min(capacity, FIRST_SIZE)];
        start = nextId;
        end = nextId;
    }

    /** Twice the slots, each kept message moved to where its id now falls. */
    private void grow() {
        Message[] old = slots;
        slots = new Message[(int) Math.min(capacity, 2L * old.length)];
        for (long id = start; id < end; id++) {
            slots[slot(id)] = old[(int) (id % old.length)];
        }
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
        return capacity;
    }

    public int size() {
        return (int) (end - start);
    }

    private int slot(long id) {
        return (int) (id % slots.length);
    }
}
