package nodecast.log;

import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Every channel's log in this process's memory: for one instance and demos; lost on restart. */
public final class MemoryMessageStore implements MessageStore {
    private final Map<ChannelName, MemoryMessageLog> channels = new ConcurrentHashMap<>();
    private final int maxMessages;
    private final Clock clock;

    public MemoryMessageStore(int maxMessages, Clock clock) {
        this.maxMessages = maxMessages;
        this.clock = clock;
    }

    @Override
    public MessageLog channel(ChannelName channel) {
        return channels.computeIfAbsent(channel, name -> new MemoryMessageLog(maxMessages, clock));
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
