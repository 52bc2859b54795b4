package nodecast.log.redis;

import java.net.URI;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import nodecast.log.Appended;
import nodecast.log.LogSlice;
import nodecast.log.Message;
import nodecast.log.MessageLog;
import nodecast.metrics.Metrics;

/**
 * The log in Redis, shared by every nodecast instance pointed at it: the commands
 * ({@link RedisCommands}), the subscription that hears every instance's changes
 * ({@link RedisSubscription}) and the sync that turns both into one ordered story for this
 * instance's listener ({@link RedisSync}). All Redis code lives in these four classes.
 */
public final class RedisMessageLog implements MessageLog {
    private final RedisCommands commands;
    private final RedisSync sync;
    private final RedisSubscription subscription;
    private final Clock clock;
    private final Metrics metrics;
    private final int maxMessages;

    public RedisMessageLog(URI uri, int maxMessages, Clock clock, Metrics metrics) {
        this(uri, maxMessages, clock, metrics, RedisSync.Timings.DEFAULT);
    }

    public RedisMessageLog(URI uri, int maxMessages, Clock clock, Metrics metrics, RedisSync.Timings timings) {
        this.maxMessages = maxMessages;
        this.clock = clock;
        this.metrics = metrics;
        this.commands = new RedisCommands(uri, metrics);
        this.sync = new RedisSync(commands, maxMessages, metrics, timings, System::nanoTime);
        this.subscription = new RedisSubscription(commands, sync, metrics);
    }

    @Override
    public void start(Listener listener) {
        sync.start(listener, subscription::reconnect);
        subscription.start();
    }

    /**
     * Once the script has run the message is stored, whatever happens next: nothing after it can
     * fail. The publisher waits (briefly) until this instance's listener has the message, so its
     * next read here sees its own write.
     */
    @Override
    public Appended append(String text, String idempotencyKey) {
        RedisSync.Seen before = sync.seen();
        RedisCommands.AppendResult result = commands.append(text, Message.formatTime(clock.instant()), maxMessages, idempotencyKey);
        if (!result.replayed()) {
            CompletableFuture<Void> handled = new CompletableFuture<>();
            sync.postAndAwait(new RedisSync.OwnAppend(result.logId(), result.message(), before, handled), handled);
        }
        return new Appended(result.message(), result.replayed());
    }

    @Override
    public LogSlice since(long from, int limit) {
        RedisSync.Seen before = sync.seen();
        LogSlice slice = commands.since(from, limit);
        metrics.logRead("old-ids");
        sync.post(new RedisSync.OwnRead(slice.logId(), slice.nextId(), before));
        return slice;
    }

    @Override
    public void clear() {
        RedisSync.Seen before = sync.seen();
        RedisCommands.ClearResult result = commands.clear();
        CompletableFuture<Void> handled = new CompletableFuture<>();
        sync.postAndAwait(new RedisSync.OwnClear(result.logId(), result.nextId(), before, handled), handled);
    }

    @Override
    public int capacity() {
        return maxMessages;
    }

    @Override
    public String problem() {
        if (!commands.isReachable()) {
            return "Redis (" + commands.where() + ") is unreachable";
        }
        if (sync.phase() == RedisSync.Phase.DEAF) {
            return "not subscribed to Redis (" + commands.where() + "): this instance would not hear other instances' messages";
        }
        return null;
    }

    @Override
    public String describe() {
        return "Redis message log (" + commands.where() + ")";
    }

    @Override
    public void close() {
        subscription.close();
        sync.close();
        commands.close();
    }
}
