package nodecast.log.redis;

import java.net.URI;
import java.time.Clock;
import nodecast.log.ChannelName;
import nodecast.log.MessageLog;
import nodecast.log.MessageStore;
import nodecast.metrics.Metrics;

/**
 * Every channel's log in Redis, shared by every nodecast instance pointed at it: the commands
 * ({@link RedisCommands}), the subscriptions that hear every instance's changes
 * ({@link RedisSubscriptions}), one per Redis server and the sync that turns both into one ordered story per channel
 * ({@link RedisSync}). All Redis code lives in this package.
 */
public final class RedisMessageStore implements MessageStore {
    private final RedisCommands commands;
    private final RedisSync sync;
    private final RedisSubscriptions subscriptions;
    private final Clock clock;
    private final Metrics metrics;
    private final int maxMessages;

    public RedisMessageStore(URI uri, String prefix, int maxMessages, Clock clock, Metrics metrics) {
        this(uri, prefix, maxMessages, clock, metrics, RedisSync.Timings.DEFAULT);
    }

    public RedisMessageStore(URI uri, String prefix, int maxMessages, Clock clock, Metrics metrics, RedisSync.Timings timings) {
        RedisKeys keys = new RedisKeys(prefix);
        this.maxMessages = maxMessages;
        this.clock = clock;
        this.metrics = metrics;
        this.commands = new RedisCommands(uri, keys, metrics);
        this.sync = new RedisSync(commands, maxMessages, metrics, timings, System::nanoTime);
        this.subscriptions = new RedisSubscriptions(commands, keys, sync, metrics);
        sync.start(subscriptions::reconnect);
        subscriptions.start();
    }

    @Override
    public MessageLog channel(ChannelName channel) {
        return new RedisMessageLog(channel, commands, sync, clock, metrics, maxMessages);
    }

    /** Redis keeps every channel; this instance only stops following it (its log view's close). */
    @Override
    public void release(ChannelName channel) {
    }

    @Override
    public String problem() {
        if (!commands.isReachable()) {
            return "Redis (" + commands.where() + ") is unreachable";
        }
        if (sync.phase() != RedisSync.Phase.HEARING) {
            return "not subscribed to Redis (" + commands.where() + "): this instance would not hear other instances' messages";
        }
        int behind = sync.channelsBehind();
        if (behind > 0) {
            return behind + " channel(s) not yet read from Redis (" + commands.where() + ") since it was subscribed to again or failed";
        }
        return null;
    }

    @Override
    public String describe() {
        return "Redis message log (" + commands.where() + ")";
    }

    @Override
    public void close() {
        subscriptions.close();
        sync.close();
        commands.close();
    }
}
