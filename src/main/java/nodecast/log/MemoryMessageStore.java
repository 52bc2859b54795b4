package nodecast.log;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Every channel's log in this process's memory: for one instance and demos; lost on restart. It
 * holds at most {@code maxChannels}, since each is a tail of up to {@code maxMessages} messages;
 * a channel that never had a message is forgotten once released.
 */
public final class MemoryMessageStore implements MessageStore {
    private final Map<ChannelName, MemoryMessageLog> channels = new HashMap<>();
    private final int maxMessages;
    private final int maxChannels;
    private final Clock clock;

    public MemoryMessageStore(int maxMessages, int maxChannels, Clock clock) {
        this.maxMessages = maxMessages;
        this.maxChannels = maxChannels;
        this.clock = clock;
    }

    @Override
    public MessageLog channel(ChannelName channel) {
        live(channel); // refuses a channel past the limit now, before anyone holds the view
        return new MemoryChannel(this, channel);
    }

    int maxMessages() {
        return maxMessages;
    }

    /** The log of {@code channel}, made if the store holds none (or forgot it). */
    synchronized MemoryMessageLog live(ChannelName channel) {
        MemoryMessageLog log = channels.get(channel);
        if (log == null) {
            if (channels.size() >= maxChannels) {
                throw new ChannelLimitException("this server holds " + maxChannels + " channels already (--max-channels)");
            }
            log = new MemoryMessageLog(maxMessages, clock);
            channels.put(channel, log);
        }
        return log;
    }

    /** Forgets the log if it never held a message and no one follows it: nothing is lost. */
    @Override
    public synchronized void release(ChannelName channel) {
        MemoryMessageLog log = channels.get(channel);
        if (log != null && log.isIdle()) {
            channels.remove(channel);
        }
    }

    @Override
    public String problem() {
        return null;
    }

    @Override
    public String describe() {
        return "in-memory message log (messages are lost when the server stops)";
    }

    @Override
    public void close() {
    }
}
