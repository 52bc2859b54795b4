package nodecast.log;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The log in this process's memory: for one instance and demos. Lost on restart, which is why
 * each run gets a new log id: a viewer still holding ids from the last run can tell.
 */
public final class MemoryMessageLog implements MessageLog {
    private final String logId = UUID.randomUUID().toString();
    private final Clock clock;
    private final MessageRing messages;
    /** The idempotency keys of the last appends that gave one, oldest first, as many as the log keeps messages. */
    private final Map<String, Message> byIdempotencyKey;
    private Listener listener = NO_LISTENER;

    private static final Listener NO_LISTENER = new Listener() {
        @Override
        public void onAppended(Message message) {
        }

        @Override
        public void onCleared(long nextId) {
        }

        @Override
        public void onSynced(LogSlice recent) {
        }
    };

    public MemoryMessageLog(int maxMessages, Clock clock) {
        this.messages = new MessageRing(maxMessages);
        this.clock = clock;
        this.byIdempotencyKey = new LinkedHashMap<>() {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Message> eldest) {
                return size() > maxMessages;
            }
        };
    }

    @Override
    public synchronized void start(Listener listener) {
        this.listener = listener;
        listener.onSynced(slice(messages.start(), messages.size()));
    }

    /** The listener is told under the lock, so it hears of messages in id order. */
    @Override
    public synchronized Appended append(String text, String idempotencyKey) {
        Message earlier = idempotencyKey == null ? null : byIdempotencyKey.get(idempotencyKey);
        if (earlier != null) {
            return new Appended(earlier, true);
        }
        Message message = new Message(messages.end(), text, Message.formatTime(clock.instant()));
        messages.add(message);
        if (idempotencyKey != null) {
            byIdempotencyKey.put(idempotencyKey, message);
        }
        listener.onAppended(message);
        return new Appended(message, false);
    }

    /** Whether no message was ever appended and no listener follows it: forgetting this log loses nothing. */
    synchronized boolean isIdle() {
        return messages.end() == 0 && listener == NO_LISTENER;
    }

    @Override
    public synchronized LogSlice since(long from, int limit) {
        return slice(from, limit);
    }

    @Override
    public synchronized void clear() {
        messages.reset(messages.end());
        listener.onCleared(messages.end());
    }

    private LogSlice slice(long from, int limit) {
        return new LogSlice(logId, messages.end(), messages.from(from, limit));
    }

    @Override
    public int capacity() {
        return messages.capacity();
    }

    @Override
    public synchronized void close() {
        listener = NO_LISTENER;
    }
}
