package nodecast.log;

/** Where every channel's log lives: this process's memory, or a Redis shared by every instance. */
public interface MessageStore extends AutoCloseable {

    /**
     * The log of {@code channel}, made on first use. Throws {@link ChannelLimitException} if
     * making it would hold more channels than the store may.
     */
    MessageLog channel(ChannelName channel);

    /** This instance needs {@code channel} no more (its log is closed); a store that holds it only here may forget it if it holds nothing. */
    void release(ChannelName channel);

    /** Why the store cannot serve this instance now (unreachable, or deaf to other instances), or null when it can. */
    String problem();

    /** For the start-up log line. */
    String describe();

    @Override
    void close();
}
