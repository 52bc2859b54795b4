package nodecast.fanout;

/** Where a viewer starts reading a channel: at a message id, or at the channel's newest messages. */
public sealed interface Start {

    /** The first id this start means, given the first id the log keeps and the id its next message will get. */
    long firstId(long firstKept, long nextId);

    /** From message {@code id} on ({@code ?id=N}). */
    static Start at(long id) {
        return new AtId(id);
    }

    /** The newest {@code count} messages, then what follows ({@code ?last=K}); 0 is only what is published from now on. */
    static Start newest(int count) {
        return new Newest(count);
    }

    record AtId(long id) implements Start {
        @Override
        public long firstId(long firstKept, long nextId) {
            return id;
        }
    }

    /** Never before the first id kept: there is no gap in "the newest K", however few the log holds. */
    record Newest(int count) implements Start {
        @Override
        public long firstId(long firstKept, long nextId) {
            return Math.max(firstKept, nextId - count);
        }
    }
}
