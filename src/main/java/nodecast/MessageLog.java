package nodecast;

/**
 * The ordered, shared record of every message. Ids are zero-based, assigned atomically in
 * publish order and never reused, not even after {@link #clear()}.
 *
 * <p>{@link #append}, {@link #since} and {@link #clear} may block (Redis);
 * never call them on an IO thread.
 */
interface MessageLog extends AutoCloseable {

    /** Receives what is committed to the log, in id order, from whichever instance committed it. */
    interface Listener {
        /** Returns false if {@code message} does not directly follow the last one seen: the caller must resync. */
        boolean onAppended(Message message);

        /** Every message below {@code nextId} is gone (the log was cleared). May come more than once. */
        void onCleared(long nextId);

        /** Replaces everything known about the log: after start-up, a reconnect, a gap or a new log. */
        void onSynced(LogSlice recent);
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

    /** Empties the log; the id sequence carries on. */
    void clear();

    /** Whether the log can be reached now. */
    boolean isAvailable();

    /** For the start-up log line. */
    String describe();

    @Override
    void close();
}
