package nodecast.log.redis;

import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import nodecast.log.Appended;
import nodecast.log.ChannelName;
import nodecast.log.LogSlice;
import nodecast.log.Message;
import nodecast.log.MessageLog;
import nodecast.metrics.Metrics;

/** One channel's log in Redis: a view on the {@link RedisMessageStore} it comes from. */
final class RedisMessageLog implements MessageLog {
    private final ChannelName channel;
    private final RedisCommands commands;
    private final RedisSync sync;
    private final Clock clock;
    private final Metrics metrics;
    private final WriteRetries retries;
    private final int maxMessages;
    /** What {@link #start} was given, so {@link #close} stops feeding that one only. */
    private volatile Listener listener;

    RedisMessageLog(ChannelName channel, RedisCommands commands, RedisSync sync, WriteRetries retries, Clock clock, Metrics metrics,
            int maxMessages) {
        this.channel = channel;
        this.commands = commands;
        this.sync = sync;
        this.retries = retries;
        this.clock = clock;
        this.metrics = metrics;
        this.maxMessages = maxMessages;
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        sync.post(new RedisSync.Follow(channel, listener));
    }

    /**
     * Every attempt of one publish carries the same time and token, so a retry after a lost
     * answer finds the message its first attempt stored, and never stores it again. Once stored
     * (and confirmed) nothing after it can fail. The publisher waits (briefly) until this
     * instance's listener has the message, so its next read here sees its own write.
     */
    @Override
    public Appended append(String text, String idempotencyKey) {
        ChannelSync.Held before = sync.held(channel);
        String time = Message.formatTime(clock.instant());
        String token = UUID.randomUUID().toString();
        RedisCommands.AppendResult result = retries.run(() -> commands.append(channel, text, time, maxMessages, idempotencyKey, token),
                () -> commands.holds(channel, token));
        if (!result.replayed()) {
            sync.postAndAwait(new RedisSync.OwnAppend(channel, result.logId(), result.message(), before, new CompletableFuture<>()));
        }
        return new Appended(result.message(), result.replayed());
    }

    @Override
    public LogSlice since(long from, int limit) {
        LogSlice slice = commands.since(channel, from, limit);
        metrics.logRead("old-ids");
        return slice;
    }

    @Override
    public void clear() {
        ChannelSync.Held before = sync.held(channel);
        String token = UUID.randomUUID().toString();
        RedisCommands.ClearResult result = retries.run(() -> commands.clear(channel, token), () -> commands.holds(channel, token));
        sync.postAndAwait(new RedisSync.OwnClear(channel, result.logId(), result.nextId(), before, new CompletableFuture<>()));
    }

    @Override
    public int capacity() {
        return maxMessages;
    }

    @Override
    public void close() {
        if (listener != null) {
            sync.post(new RedisSync.Unfollow(channel, listener));
        }
    }
}
