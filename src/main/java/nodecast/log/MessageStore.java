package nodecast.log;

/** Where every channel's log lives: this process's memory, or a Redis shared by every instance. */
public interface MessageStore extends AutoCloseable {

    /** The log of {@code channel}: the same one for as long as it is started and not closed. */
    MessageLog channel(ChannelName channel);

    /** Why the store cannot serve this instance now (unreachable, or deaf to other instances), or null when it can. */
    String problem();

    /** For the start-up log line. */
    String describe();

    @Override
    void close();
}
