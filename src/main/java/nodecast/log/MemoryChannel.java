package nodecast.log;

/**
 * One channel of the {@link MemoryMessageStore}, as its users hold it: every call finds the
 * channel's log anew, so a publisher holding this view while the store forgets an idle, empty
 * log writes into the log made again, never into one nobody will read.
 */
final class MemoryChannel implements MessageLog {
    private final MemoryMessageStore store;
    private final ChannelName name;
    /** The log whose listener {@link #start} set, so {@link #close} takes it off that one. */
    private MemoryMessageLog followed;

    MemoryChannel(MemoryMessageStore store, ChannelName name) {
        this.store = store;
        this.name = name;
    }

    @Override
    public synchronized void start(Listener listener) {
        followed = store.live(name);
        followed.start(listener);
    }

    @Override
    public Appended append(String text, String idempotencyKey) {
        return store.live(name).append(text, idempotencyKey);
    }

    @Override
    public LogSlice since(long from, int limit) {
        return store.live(name).since(from, limit);
    }

    /** Without the store's lock: the broadcaster asks while it holds its own, which the store's sweeps take after theirs. */
    @Override
    public int capacity() {
        return store.maxMessages();
    }

    @Override
    public void clear() {
        store.live(name).clear();
    }

    @Override
    public synchronized void close() {
        if (followed != null) {
            followed.close();
            followed = null;
        }
    }
}
