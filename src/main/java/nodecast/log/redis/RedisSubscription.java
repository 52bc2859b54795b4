package nodecast.log.redis;

import com.google.gson.JsonParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import nodecast.log.ChannelName;
import nodecast.log.LogUnavailableException;
import nodecast.log.Message;
import nodecast.metrics.Metrics;
import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisShardedPubSub;
import redis.clients.jedis.exceptions.JedisException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subscription, on a thread of its own, to the partitions one Redis server holds: it hears
 * every change any instance commits to their channels (on each partition's event channel, in
 * commit order) and its own heartbeat, and tells the sync of each, of being subscribed and of
 * losing the subscription. It holds no state of the log: what an event means is the sync's to
 * decide.
 *
 * <p>Before each connection it asks where its partitions are held now: after a failover that is
 * the promoted replica; after slots moved its partitions may be on several servers, and it then
 * keeps those of one and hands the others to new subscriptions ({@link RedisSubscriptions}).
 */
final class RedisSubscription {
    private static final Logger LOG = LoggerFactory.getLogger(RedisSubscription.class);
    private static final String CLEARED = "clear ";
    private static final String RENEWED = "renewed";

    private final int id;
    private final RedisSubscriptions all;
    private final RedisCommands commands;
    private final RedisKeys keys;
    private final RedisSync sync;
    private final Metrics metrics;
    private final Thread thread;
    /** Which partitions this subscription carries; only ever fewer, when slots moved apart. */
    private List<Integer> partitions;
    /** The heartbeat's channel, in the slot of the first partition, which this subscription keeps whatever moves. */
    private final String beatChannel;
    /** The connection subscribed now, so another thread can drop it; null between connections. */
    private volatile Connection connection;
    private volatile boolean closed;

    RedisSubscription(int id, List<Integer> partitions, RedisSubscriptions all, RedisCommands commands, RedisKeys keys, RedisSync sync,
            Metrics metrics) {
        this.id = id;
        this.partitions = partitions;
        this.all = all;
        this.commands = commands;
        this.keys = keys;
        this.sync = sync;
        this.metrics = metrics;
        this.beatChannel = keys.newBeatChannel(partitions.get(0));
        this.thread = new Thread(this::subscribeUntilClosed, "nodecast-redis-subscriber-" + id);
        thread.setDaemon(true);
    }

    int id() {
        return id;
    }

    void start() {
        thread.start();
    }

    /** Drops the connection (from any thread), so the subscription starts again on a fresh one. */
    void reconnect() {
        Connection current = connection;
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
            try {
                HostAndPort owner = home();
                // A connection of its own, not the pool's: a subscribed connection must never be lent out for commands.
                try (Connection subscribed = new Connection(owner, commands.clientConfig())) {
                    connection = subscribed;
                    if (!closed) {
                        // One partition per command: on a cluster each is a slot of its own, and one
                        // SSUBSCRIBE may name channels of one slot only.
                        events.proceed(subscribed, beatChannel, keys.events(partitions.get(0)));
                    }
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
            sync.post(new RedisSync.SubscriptionLost(id, reason));
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

    /**
     * Where this subscription's partitions are held now. If on several servers, keeps the
     * first's, and starts a subscription for each other's. Tells the sync which partitions this
     * subscription carries before it carries them.
     */
    private HostAndPort home() {
        Iterator<Map.Entry<HostAndPort, List<Integer>>> owners = commands.owners(partitions).entrySet().iterator();
        Map.Entry<HostAndPort, List<Integer>> mine = owners.next();
        partitions = List.copyOf(mine.getValue());
        sync.post(new RedisSync.Subscribing(id, partitions, beatChannel));
        owners.forEachRemaining(moved -> {
            LOG.info("partitions {} are now held by {}: subscribing to them there", moved.getValue(), moved.getKey());
            all.begin(moved.getValue());
        });
        return mine.getKey();
    }

    /** Turns what the subscription hears into the sync's events; parses, decides nothing. */
    private final class Events extends JedisShardedPubSub {
        private volatile boolean subscribed;

        @Override
        public void onSSubscribe(String channel, int subscribedChannels) {
            if (subscribedChannels == 2) {
                for (int partition : partitions.subList(1, partitions.size())) {
                    ssubscribe(keys.events(partition));
                }
            }
            if (subscribedChannels == partitions.size() + 1) {
                // Subscribed first, read second: whatever is committed after the sync's read arrives here.
                subscribed = true;
                sync.subscribed(id);
            }
        }

        /** Only Redis ends a subscription here (its slot moved, or its server became a replica): start again where it went. */
        @Override
        public void onSUnsubscribe(String channel, int subscribedChannels) {
            reconnect();
        }

        /** Hands each event to the sync; while too many wait there, this thread waits too, and Redis holds what follows. */
        @Override
        public void onSMessage(String pubsubChannel, String event) {
            boolean taken = pubsubChannel.equals(beatChannel) ? sync.heardBeat(id) : sync.hear(heard(event));
            if (!taken) {
                reconnect(); // interrupted: closing
            }
        }

        private RedisSync.Heard heard(String event) {
            // CHANNEL LOG-ID BODY: neither a channel name nor a log id holds a space.
            String[] parts = event.split(" ", 3);
            ChannelName channel;
            try {
                channel = new ChannelName(parts[0]);
            } catch (IllegalArgumentException e) {
                return new RedisSync.HeardGarbled(null, event);
            }
            String body = parts.length == 3 ? parts[2] : "";
            try {
                Message message = body.startsWith("{") ? Message.fromJson(body) : null;
                if (message != null && message.text() != null && message.time() != null) {
                    return new RedisSync.HeardMessage(channel, parts[1], message);
                } else if (body.startsWith(CLEARED)) {
                    return new RedisSync.HeardClear(channel, parts[1], Long.parseLong(body.substring(CLEARED.length())));
                } else if (body.equals(RENEWED)) {
                    return new RedisSync.HeardRenewal(channel, parts[1]);
                }
            } catch (JsonParseException | NumberFormatException e) {
                // garbled, as below
            }
            return new RedisSync.HeardGarbled(channel, event);
        }
    }

    void close() {
        closed = true;
        reconnect();
        thread.interrupt();
    }
}
