package nodecast.log.redis;

import com.google.gson.JsonParseException;
import java.util.Arrays;
import nodecast.log.ChannelName;
import nodecast.log.LogUnavailableException;
import nodecast.log.Message;
import nodecast.metrics.Metrics;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.exceptions.JedisException;

/**
 * This instance's one Redis subscription, on a thread of its own: it hears every change any
 * instance commits (on each partition's event channel, in commit order) and this instance's own
 * heartbeat, and tells the sync of each, of being subscribed and of losing the subscription.
 * It holds no state of the log: what an event means is the sync's to decide.
 */
final class RedisSubscription implements AutoCloseable {
    private static final String CLEARED = "clear ";
    private static final String RENEWED = "renewed";

    private final RedisCommands commands;
    private final RedisKeys keys;
    private final RedisSync sync;
    private final Metrics metrics;
    private final Thread thread;
    /** The connection subscribed now, so another thread can drop it; null between connections. */
    private volatile Jedis connection;
    private volatile boolean closed;

    RedisSubscription(RedisCommands commands, RedisKeys keys, RedisSync sync, Metrics metrics) {
        this.commands = commands;
        this.keys = keys;
        this.sync = sync;
        this.metrics = metrics;
        this.thread = new Thread(this::subscribeUntilClosed, "nodecast-redis-subscriber");
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Drops the connection (from any thread), so the subscription starts again on a fresh one. */
    void reconnect() {
        Jedis current = connection;
        if (current != null) {
            try {
                current.disconnect();
            } catch (JedisException e) {
                // closing a dead connection: it is gone either way
            }
        }
    }

    /** Holds the subscription, reconnecting with a growing pause while Redis is away. */
    private void subscribeUntilClosed() {
        long pauseMillis = 100;
        while (!closed) {
            Events events = new Events();
            String reason = "the connection ended";
            // A connection of its own, not the pool's: a subscribed connection must never be lent out for commands.
            try (Jedis subscribed = new Jedis(commands.subscriptionAddress(), commands.clientConfig())) {
                connection = subscribed;
                if (!closed) {
                    String[] channels = Arrays.copyOf(keys.allEvents(), RedisKeys.PARTITIONS + 1);
                    channels[RedisKeys.PARTITIONS] = sync.beatChannel();
                    subscribed.subscribe(events, channels);
                }
            } catch (JedisException | LogUnavailableException e) {
                reason = e.getMessage();
            } catch (RuntimeException e) {
                reason = "unexpected failure: " + e;
            } finally {
                connection = null;
            }
            if (closed) {
                return;
            }
            sync.post(new RedisSync.SubscriptionLost(reason));
            metrics.subscriptionDropped("lost");
            // After a subscription that worked, the next outage starts its back-off afresh.
            pauseMillis = events.subscribed ? 100 : Math.min(pauseMillis * 2, 2_000);
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Turns what the subscription hears into the sync's events; parses, decides nothing. */
    private final class Events extends JedisPubSub {
        private volatile boolean subscribed;

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            if (subscribedChannels == RedisKeys.PARTITIONS + 1) {
                // Subscribed first, read second: whatever is committed after the sync's read arrives here.
                subscribed = true;
                sync.post(new RedisSync.Subscribed());
            }
        }

        @Override
        public void onMessage(String pubsubChannel, String event) {
            if (pubsubChannel.equals(sync.beatChannel())) {
                sync.post(new RedisSync.HeardBeat());
                return;
            }
            // CHANNEL LOG-ID BODY: neither a channel name nor a log id holds a space.
            String[] parts = event.split(" ", 3);
            ChannelName channel;
            try {
                channel = new ChannelName(parts[0]);
            } catch (IllegalArgumentException e) {
                sync.post(new RedisSync.HeardGarbled(null, event));
                return;
            }
            String body = parts.length == 3 ? parts[2] : "";
            try {
                Message message = body.startsWith("{") ? Message.fromJson(body) : null;
                if (message != null && message.text() != null && message.time() != null) {
                    sync.post(new RedisSync.HeardMessage(channel, parts[1], message));
                } else if (body.startsWith(CLEARED)) {
                    sync.post(new RedisSync.HeardClear(channel, parts[1], Long.parseLong(body.substring(CLEARED.length()))));
                } else if (body.equals(RENEWED)) {
                    sync.post(new RedisSync.HeardRenewal(channel, parts[1]));
                } else {
                    sync.post(new RedisSync.HeardGarbled(channel, event));
                }
            } catch (JsonParseException | NumberFormatException e) {
                sync.post(new RedisSync.HeardGarbled(channel, event));
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        reconnect();
        thread.interrupt();
    }
}
