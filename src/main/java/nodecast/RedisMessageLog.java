package nodecast;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.JedisPubSub;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The log in Redis, shared by every nodecast instance pointed at it. All Redis code lives here.
 *
 * <p>Keys: {@code nodecast:seq} (the next id), {@code nodecast:log} (a sorted set of message
 * JSON scored by id, so reading from an id is O(log n + k)) and {@code nodecast:log-id} (a
 * random name for this log, made anew whenever the sequence is, so viewers can tell when the
 * ids they hold belong to a log that is gone). Each change is one Lua script, so it is atomic,
 * and the script itself publishes the change on {@code nodecast:events}: every instance hears of
 * every committed message, in id order, on its one subscription.
 */
final class RedisMessageLog implements MessageLog {
    private static final Logger LOG = LoggerFactory.getLogger(RedisMessageLog.class);
    private static final List<String> KEYS = List.of("nodecast:seq", "nodecast:log", "nodecast:log-id", "nodecast:idem", "nodecast:idem-order");
    private static final String CHANNEL = "nodecast:events";
    private static final String CLEARED = "clear ";

    /** Opens the log if it has no sequence yet; returns the log id. Expects KEYS = seq, log, log-id; ARGV[1] = a fresh log id. */
    private static final String OPEN = """
            local function open()
              if redis.call('EXISTS', KEYS[1]) == 0 then
                redis.call('SET', KEYS[1], 0)
                redis.call('SET', KEYS[3], ARGV[1])
                redis.call('DEL', KEYS[2], KEYS[4], KEYS[5])
              end
              return redis.call('GET', KEYS[3])
            end
            """;

    /**
     * ARGV: fresh log id, text as a JSON string, time, max messages, channel, idempotency key ("" for
     * none). Returns {log id, id}, or {log id, id, json} when the key was used already and nothing was stored.
     */
    private static final String APPEND = OPEN + """
            local logId = open()
            if ARGV[6] ~= '' then
              local earlier = redis.call('HGET', KEYS[4], ARGV[6])
              if earlier then return {logId, tonumber(string.match(earlier, '^{"id":(%d+)')), earlier} end
            end
            local id = redis.call('INCR', KEYS[1]) - 1
            local json = '{"id":' .. string.format('%d', id) .. ',"text":' .. ARGV[2] .. ',"time":"' .. ARGV[3] .. '"}'
            redis.call('ZADD', KEYS[2], id, json)
            local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[4])
            if excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1) end
            if ARGV[6] ~= '' then
              redis.call('HSET', KEYS[4], ARGV[6], json)
              if redis.call('RPUSH', KEYS[5], ARGV[6]) > tonumber(ARGV[4]) then
                redis.call('HDEL', KEYS[4], redis.call('LPOP', KEYS[5]))
              end
            end
            redis.call('PUBLISH', ARGV[5], logId .. ' ' .. json)
            return {logId, id}
            """;

    /** ARGV: fresh log id, from (or "" for the newest), limit. Returns {log id, next id, json...}. */
    private static final String READ = OPEN + """
            local logId = open()
            local nextId = redis.call('GET', KEYS[1])
            local messages
            if ARGV[2] == '' then
              messages = redis.call('ZRANGE', KEYS[2], -tonumber(ARGV[3]), -1)
            else
              messages = redis.call('ZRANGE', KEYS[2], ARGV[2], '+inf', 'BYSCORE', 'LIMIT', 0, ARGV[3])
            end
            table.insert(messages, 1, nextId)
            table.insert(messages, 1, logId)
            return messages
            """;

    /** ARGV: fresh log id, channel. Returns the next id: everything below it is gone. */
    private static final String CLEAR = OPEN + """
            local logId = open()
            local nextId = redis.call('GET', KEYS[1])
            redis.call('DEL', KEYS[2])
            redis.call('PUBLISH', ARGV[2], logId .. ' clear ' .. nextId)
            return nextId
            """;

    /** ARGV: fresh log id, channel, the log id found to have gone back. Replaces it (once, whoever asks first). */
    private static final String RENEW = """
            if redis.call('GET', KEYS[3]) == ARGV[3] then
              redis.call('SET', KEYS[3], ARGV[1])
            end
            local logId = redis.call('GET', KEYS[3])
            redis.call('PUBLISH', ARGV[2], logId .. ' renewed')
            return logId
            """;

    private final String where;
    /** The one Redis; null under Sentinel, where the master moves. */
    private final HostAndPort address;
    private final Set<HostAndPort> sentinels;
    private final String masterName;
    private final JedisClientConfig clientConfig;
    private final UnifiedJedis redis;
    private final Clock clock;
    private final Metrics metrics;
    private final int maxMessages;
    private final AtomicBoolean available = new AtomicBoolean(true);
    private volatile boolean closed;
    private volatile Listener listener;
    private Thread subscriber;
    private volatile Subscription subscription;
    /** The log id this instance last synced to. */
    private volatile String syncedLogId;
    /** The highest next id seen in that log: if Redis ever reports less, acknowledged ids were lost. */
    private final AtomicLong highestNextId = new AtomicLong();

    /**
     * {@code redis://[user:password@]host:port/db} (or {@code rediss://}) for one Redis;
     * {@code redis-sentinel://[user:password@]host:port[,host:port]/mastername} for a master
     * that Sentinel fails over.
     */
    RedisMessageLog(URI uri, int maxMessages, Clock clock, Metrics metrics) {
        this.maxMessages = maxMessages;
        this.clock = clock;
        this.metrics = metrics;
        this.clientConfig = DefaultJedisClientConfig.builder()
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database("redis-sentinel".equals(uri.getScheme()) ? 0 : JedisURIHelper.getDBIndex(uri))
                .ssl(JedisURIHelper.isRedisSSLScheme(uri))
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(2_000)
                .clientName("nodecast")
                // RESP2 on both connections: the subscriber's plain Jedis connection cannot negotiate RESP3.
                .protocol(RedisProtocol.RESP2)
                .build();
        if ("redis-sentinel".equals(uri.getScheme())) {
            this.sentinels = new LinkedHashSet<>();
            for (String hostPort : uri.getAuthority().replaceFirst("^[^@]*@", "").split(",")) {
                sentinels.add(HostAndPort.from(hostPort));
            }
            this.masterName = uri.getPath().substring(1);
            this.address = null;
            this.where = "Sentinel master '" + masterName + "' via " + sentinels;
            JedisClientConfig sentinelConfig = DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).protocol(RedisProtocol.RESP2).build();
            this.redis = RedisSentinelClient.builder().masterName(masterName).sentinels(sentinels)
                    .clientConfig(clientConfig).sentinelClientConfig(sentinelConfig).build();
        } else {
            this.sentinels = Set.of();
            this.masterName = null;
            this.address = JedisURIHelper.getHostAndPort(uri);
            this.where = address.toString();
            this.redis = RedisClient.builder().hostAndPort(address).clientConfig(clientConfig).build();
        }
    }

    @Override
    public Appended append(String text, String idempotencyKey) {
        String time = Message.formatTime(clock.instant());
        long seenBefore = highestNextId.get();
        List<?> result = (List<?>) run(APPEND, Message.toJson(text), time, Integer.toString(maxMessages), CHANNEL,
                idempotencyKey == null ? "" : idempotencyKey);
        if (result.size() == 3) {
            return new Appended(Message.fromJson(text(result.get(2))), true);
        }
        Message message = new Message(number(result.get(1)), text, time);
        noteLog(text(result.get(0)), message.id() + 1, seenBefore);
        // Tell this instance now rather than when the notification comes back, so the publisher's own
        // next read sees the message. The notification is then a duplicate, which the listener ignores.
        listener.onAppended(message);
        return new Appended(message, false);
    }

    @Override
    public LogSlice since(long from, int limit) {
        long seenBefore = highestNextId.get();
        LogSlice slice = read(Long.toString(from), limit);
        noteLog(slice.logId(), slice.nextId(), seenBefore);
        return slice;
    }

    private LogSlice recent(int limit) {
        return read("", limit);
    }

    @Override
    public void clear() {
        listener.onCleared(number(run(CLEAR, CHANNEL)));
    }

    private LogSlice read(String from, int limit) {
        List<?> result = (List<?>) run(READ, from, Integer.toString(limit));
        List<Message> messages = new ArrayList<>(result.size() - 2);
        for (Object json : result.subList(2, result.size())) {
            messages.add(Message.fromJson(text(json)));
        }
        return new LogSlice(text(result.get(0)), number(result.get(1)), messages);
    }

    /**
     * Checks what a script saw against what this instance knows. A different log id means Redis
     * lost the log (a flush, a failover to an empty replica) and a script made a new one; a
     * sequence lower than one already seen means ids that viewers hold will be handed out again.
     * Either way the instance resyncs now rather than at the next notification. Only a next id
     * seen before the script ran counts: scripts running at once finish in any order.
     */
    private void noteLog(String logId, long nextId, long seenBefore) {
        String synced = syncedLogId;
        if (synced != null && (!synced.equals(logId) || nextId < seenBefore)) {
            resync();
        } else {
            highestNextId.accumulateAndGet(nextId, Math::max);
        }
    }

    /** Reads the newest messages and hands them to the listener as the whole truth about the log. */
    private synchronized void resync() {
        long seenBefore = highestNextId.get();
        LogSlice recent = recent(maxMessages);
        if (recent.logId().equals(syncedLogId) && recent.nextId() < seenBefore) {
            LOG.warn("the id sequence in Redis went back from {} to {} (data lost in a failover?); starting a new log so viewers resync",
                    seenBefore, recent.nextId());
            run(RENEW, CHANNEL, recent.logId());
            recent = recent(maxMessages);
        } else if (syncedLogId != null && !recent.logId().equals(syncedLogId)) {
            LOG.warn("the log in Redis was replaced (its data was lost); viewers will start again from id 0");
        }
        if (!recent.logId().equals(syncedLogId)) {
            highestNextId.set(recent.nextId());
        } else {
            highestNextId.accumulateAndGet(recent.nextId(), Math::max);
        }
        syncedLogId = recent.logId();
        listener.onSynced(recent);
    }

    /** Runs a script with a fresh log id as ARGV[1], turning Redis failures into {@link LogUnavailableException}. */
    private Object run(String script, String... args) {
        List<String> argv = new ArrayList<>(List.of(UUID.randomUUID().toString()));
        argv.addAll(List.of(args));
        try {
            Object result = masterName == null ? redis.eval(script, KEYS, argv) : evalReplicated(script, argv);
            markAvailable(true, null);
            return result;
        } catch (JedisException e) {
            markAvailable(false, e);
            throw new LogUnavailableException("Redis (" + where + ") is unavailable: " + e.getMessage(), e);
        }
    }

    /**
     * Under Sentinel the answer waits until a replica has the write too, so a failover to that
     * replica keeps every acknowledged message. WAIT must follow the script on the same
     * connection, hence the pipeline. Refusing writes while no replica is connected is Redis's
     * job ({@code min-replicas-to-write 1}): it refuses before anything is stored. If WAIT times
     * out the message is stored and already sent to viewers, so it is acknowledged all the same.
     */
    private Object evalReplicated(String script, List<String> argv) {
        try (AbstractPipeline pipeline = redis.pipelined()) {
            Response<Object> result = pipeline.eval(script, KEYS, argv);
            Response<Long> replicas = pipeline.waitReplicas(KEYS.get(0), 1, 1_000);
            pipeline.sync();
            Object value = result.get();
            if (replicas.get() < 1) {
                LOG.warn("no replica confirmed a write within 1 s; a failover now could lose it");
            }
            return value;
        }
    }

    /** Where the subscription connects: the one Redis, or the master the sentinels name now. */
    private HostAndPort subscriptionAddress() {
        if (masterName == null) {
            return address;
        }
        for (HostAndPort sentinel : sentinels) {
            try (Jedis connection = new Jedis(sentinel, DefaultJedisClientConfig.builder()
                    .connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).protocol(RedisProtocol.RESP2).build())) {
                List<String> master = connection.sentinelGetMasterAddrByName(masterName);
                if (master != null && master.size() == 2) {
                    return new HostAndPort(master.get(0), Integer.parseInt(master.get(1)));
                }
            } catch (JedisException e) {
                // try the next sentinel
            }
        }
        throw new JedisException("no sentinel of " + sentinels + " names a master '" + masterName + "'");
    }

    @Override
    public void start(Listener listener) {
        this.listener = listener;
        subscriber = new Thread(this::subscribeUntilClosed, "nodecast-redis-subscriber");
        subscriber.setDaemon(true);
        subscriber.start();
    }

    /** Holds this instance's one subscription, reconnecting with a growing pause while Redis is away. */
    private void subscribeUntilClosed() {
        long pauseMillis = 100;
        while (!closed) {
            Subscription attempt = new Subscription();
            subscription = attempt;
            // A connection of its own, not the pool's: a subscribed connection must never be lent out for commands.
            try (Jedis connection = new Jedis(subscriptionAddress(), clientConfig)) {
                connection.subscribe(attempt, CHANNEL);
            } catch (JedisException | LogUnavailableException e) {
                markAvailable(false, e);
            } catch (RuntimeException e) {
                // A bug or damaged data must not end the subscription for good: log it and subscribe again.
                LOG.error("the Redis subscription failed; subscribing again", e);
            }
            // After a subscription that worked, the next outage starts its back-off afresh.
            pauseMillis = attempt.synced ? 100 : Math.min(pauseMillis * 2, 2_000);
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Pub/sub delivers every instance's messages in commit order; a gap or a new log id means resync. */
    private final class Subscription extends JedisPubSub {
        private volatile boolean synced;

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            // Subscribed first, read second: whatever is committed after this read arrives on the channel.
            resync();
        }

        @Override
        public void onMessage(String channel, String event) {
            int space = event.indexOf(' ');
            String eventLogId = event.substring(0, space);
            String body = event.substring(space + 1);
            if (!eventLogId.equals(syncedLogId)) {
                resync();
            } else if (body.startsWith(CLEARED)) {
                listener.onCleared(Long.parseLong(body.substring(CLEARED.length())));
            } else if (!body.startsWith("{") || !listener.onAppended(Message.fromJson(body))) {
                resync();
            }
        }

        private void resync() {
            RedisMessageLog.this.resync();
            synced = true;
        }
    }

    private void markAvailable(boolean now, Exception cause) {
        if (!now) {
            metrics.redisError();
        }
        if (available.getAndSet(now) != now && !closed) {
            if (now) {
                LOG.info("Redis ({}) is reachable again", where);
            } else {
                LOG.warn("Redis ({}) is unreachable: {}", where, cause.getMessage());
            }
        }
    }

    @Override
    public boolean isAvailable() {
        return available.get();
    }

    @Override
    public String describe() {
        return "Redis message log (" + where + ")";
    }

    @Override
    public void close() {
        closed = true;
        Subscription current = subscription;
        if (current != null && current.isSubscribed()) {
            try {
                current.unsubscribe();
            } catch (JedisException e) {
                // its connection is already gone (Redis is down): nothing to unsubscribe from
            }
        }
        redis.close();
        if (subscriber != null) {
            subscriber.interrupt();
        }
    }

    private static long number(Object value) {
        return value instanceof Long n ? n : Long.parseLong(text(value));
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
    }
}
