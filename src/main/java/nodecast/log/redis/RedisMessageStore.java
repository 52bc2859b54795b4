package nodecast.log.redis;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import nodecast.log.ChannelName;
import nodecast.log.MessageLog;
import nodecast.log.MessageStore;
import nodecast.log.LogUnavailableException;
import nodecast.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * Every channel's log in Redis, shared by every nodecast instance pointed at it: the commands
 * ({@link RedisCommands}), the subscriptions that hear every instance's changes
 * ({@link RedisSubscriptions}), one per Redis server and the sync that turns both into one ordered story per channel
 * ({@link RedisSync}). All Redis code lives in this package.
 */
public final class RedisMessageStore implements MessageStore {
    private static final Logger LOG = LoggerFactory.getLogger(RedisMessageStore.class);
    private final RedisCommands commands;
    private final RedisSync sync;
    private final RedisSubscriptions subscriptions;
    private final Clock clock;
    private final Metrics metrics;
    private final int maxMessages;
    private final WriteRetries retries;
    private final String user;
    /** Whether Redis answered what its user may run; until then this instance is not ready. */
    private volatile boolean permissionsKnown;
    /** A command the Redis user may not run; null when it may run every one (or it is not known yet). */
    private volatile String forbidden;
    private volatile boolean closed;

    /** {@code retryWindow}: how long a write whose outcome is not known is tried again (see {@link WriteRetries}). */
    public RedisMessageStore(URI uri, String prefix, int maxMessages, Duration retryWindow, Clock clock, Metrics metrics) {
        this(uri, prefix, maxMessages, retryWindow, clock, metrics, RedisSync.Timings.DEFAULT);
    }

    public RedisMessageStore(URI uri, String prefix, int maxMessages, Duration retryWindow, Clock clock, Metrics metrics,
            RedisSync.Timings timings) {
        RedisKeys keys = new RedisKeys(prefix);
        this.maxMessages = maxMessages;
        this.clock = clock;
        this.metrics = metrics;
        this.commands = new RedisCommands(uri, keys, metrics);
        this.retries = new WriteRetries(commands.topology(), retryWindow);
        this.user = JedisURIHelper.getUser(uri) == null ? "default" : JedisURIHelper.getUser(uri);
        checkPermissions(new RedisPermissions(keys, RedisTopology.database(uri), commands.topology().replicated()));
        this.sync = new RedisSync(commands, maxMessages, metrics, timings, System::nanoTime);
        this.subscriptions = new RedisSubscriptions(commands, keys, sync, metrics);
        sync.start(subscriptions::reconnect);
        subscriptions.start();
    }

    /**
     * Refuses to start if the Redis user may not run a command nodecast needs; if Redis cannot be
     * asked now, asks again until it answers, and meanwhile is not ready.
     */
    private void checkPermissions(RedisPermissions permissions) {
        try {
            forbidden = permissions.forbidden(commands.topology().servers());
            permissionsKnown = true;
        } catch (LogUnavailableException e) {
            LOG.warn("cannot ask Redis ({}) what its user may run yet ({}); asking until it answers", commands.where(), e.getMessage());
            Thread checker = new Thread(() -> askUntilAnswered(permissions), "nodecast-redis-permissions");
            checker.setDaemon(true);
            checker.start();
            return;
        }
        if (forbidden != null) {
            commands.close();
            throw new IllegalStateException(refusal(permissions));
        }
    }

    private void askUntilAnswered(RedisPermissions permissions) {
        while (!closed) {
            try {
                forbidden = permissions.forbidden(commands.topology().servers());
                permissionsKnown = true;
                if (forbidden != null) {
                    LOG.error("{}; this instance stays unready", refusal(permissions));
                }
                return;
            } catch (LogUnavailableException e) {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException interrupted) {
                    return;
                }
            }
        }
    }

    private String refusal(RedisPermissions permissions) {
        return "the Redis user '" + user + "' may not run " + forbidden + ", which nodecast needs (it runs " + permissions.needed()
                + " on keys and channels under its --redis-prefix); grant it with ACL SETUSER";
    }

    @Override
    public MessageLog channel(ChannelName channel) {
        return new RedisMessageLog(channel, commands, sync, retries, clock, metrics, maxMessages);
    }

    /** Redis keeps every channel; this instance only stops following it (its log view's close). */
    @Override
    public void release(ChannelName channel) {
    }

    @Override
    public String problem() {
        if (!permissionsKnown) {
            return "not yet known whether the Redis user may run every command nodecast needs (Redis has not answered)";
        }
        if (forbidden != null) {
            return "the Redis user '" + user + "' may not run " + forbidden;
        }
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
        closed = true;
        subscriptions.close();
        sync.close();
        commands.close();
    }
}
