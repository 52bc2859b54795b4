package nodecast.log;

/**
 * The ordered, shared record of every message of one channel. Ids are zero-based, assigned
 * atomically in publish order and never reused, not even after {@link #clear()}.
 *
 * <p>{@link #append}, {@link #since} and {@link #clear} may block (Redis);
 * never call them on an IO thread.
 */
public interface MessageLog extends AutoCloseable {

    /**
     * Receives what is committed to the log, from whichever instance committed it, as one ordered
     * story: calls never overlap, the first is an {@code onSynced}, and each {@code onAppended}
     * carries exactly the id that follows what the listener has.
     */
    interface Listener {
        /** The next message: its id is one more than the last one's (or the synced next id). */
        void onAppended(Message message);

        /** Every message below {@code nextId} is gone (the log was cleared); the next message has at least that id. May come more than once. */
        void onCleared(long nextId);

        /**
         * Replaces everything known about the log: after start-up, a reconnect, a gap or a new log.
         * {@code newest} holds the newest messages the log keeps, and for the same log never ends
         * below what the listener already has.
         */
        void onSynced(LogSlice newest);
    }

    /** Starts feeding {@code listener}; the first call it gets is an {@code onSynced}. */
    void start(Listener listener);

    /**
     * Stores {@code text} as the next message, unless {@code idempotencyKey} (null for none) was
     * given to one of the last appends the log remembers keys for: then stores nothing and returns
     * the message first stored under it. Throws {@link LogUnavailableException} when nothing was
     * stored, {@link UncertainWriteException} when that is not known.
     */
    Appended append(String text, String idempotencyKey);

    /** At most {@code limit} messages with id {@code from} or more, oldest first. */
    LogSlice since(long from, int limit);

    /** The most messages the log keeps; older ones are dropped. */
    int capacity();

    /** Empties the log; the id sequence carries on. */
    void clear();

    /** Stops feeding the listener; the log itself (and the store it is in) lives on. */
    @Override
    void close();
}
