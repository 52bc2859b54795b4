package nodecast.log.redis;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import nodecast.log.ChannelName;
import nodecast.log.Json;
import nodecast.log.LogSlice;
import nodecast.log.LogUnavailableException;
import nodecast.log.Message;
import nodecast.log.UncertainWriteException;
import nodecast.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.exceptions.JedisMovedDataException;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * The logs' commands: one Lua script per change, so each is atomic, and each change is published
 * by the script itself on its channel's partition ({@link RedisKeys}), so every instance hears of
 * every change in commit order. Publishing is sharded pub/sub ({@code SPUBLISH}, Redis 7): on a
 * Redis Cluster it stays within the shard that owns the partition's slot, where the keys are. An
 * event is {@code CHANNEL LOG-ID BODY}: the body is the message
 * JSON, {@code clear NEXT-ID} or {@code renewed}.
 *
 * <p>A failure is reported as {@link LogUnavailableException} when the command never reached
 * Redis or Redis refused it, and as {@link UncertainWriteException} when a write was sent but its
 * reply was lost: the difference between "not stored" and "perhaps stored".
 */
final class RedisCommands implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisCommands.class);

    /**
     * KEYS: seq, log, log-id, idem, idem-order, and the partition's record of logs; ARGV[1] is
     * always a fresh random id, ARGV[2] the events channel, ARGV[3] the channel name.
     *
     * <p>A channel that has no log yet still has a log id, the one its next log will get: made
     * from the partition's epoch (random, made by the first script that needs it) and how many
     * logs the channel has had, so every instance names the same id for it without storing
     * anything for the channel, and viewers who asked before the first message keep their ids
     * when it comes. Losing the record (Redis lost its data) makes a new epoch, so a log made
     * again never takes an id a viewer may still hold.
     */
    private static final String LOGS = """
            local function publish(logId, body)
              redis.call('SPUBLISH', ARGV[2], ARGV[3] .. ' ' .. logId .. ' ' .. body)
            end
            local function nextLogId()
              local epoch = redis.call('HGET', KEYS[6], '.')
              if not epoch then
                epoch = ARGV[1]
                redis.call('HSET', KEYS[6], '.', epoch)
              end
              local made = tonumber(redis.call('HGET', KEYS[6], ARGV[3]) or '0')
              return redis.sha1hex(epoch .. ' ' .. ARGV[3] .. ' ' .. (made + 1))
            end
            local function logIdOf()
              local logId = redis.call('GET', KEYS[3])
              if not logId then
                -- The sequence without its log id (damaged, or partly evicted): a log to renew, as one that went back.
                logId = ARGV[1]
                redis.call('SET', KEYS[3], logId)
                publish(logId, 'renewed')
              end
              return logId
            end
            """;

    /** Opens the log if it has none yet, with the id every instance named for it; returns the log id. Only a publish makes a log. */
    private static final String OPEN = LOGS + """
            local function open()
              if redis.call('EXISTS', KEYS[1]) == 0 then
                local logId = nextLogId()
                redis.call('HINCRBY', KEYS[6], ARGV[3], 1)
                redis.call('SET', KEYS[1], 0)
                redis.call('SET', KEYS[3], logId)
                redis.call('DEL', KEYS[2], KEYS[4], KEYS[5])
                return logId
              end
              return logIdOf()
            end
            """;

    /**
     * ARGV[4..]: text as a JSON string, time, max messages, idempotency key ("" for none).
     * Returns {log id, id}, or {log id, id, json} when the key was used already and nothing was stored.
     */
    private static final String APPEND = OPEN + """
            local logId = open()
            if ARGV[7] ~= '' then
              local earlier = redis.call('HGET', KEYS[4], ARGV[7])
              if earlier then return {logId, tonumber(string.match(earlier, '^{"id":(%d+)')), earlier} end
            end
            local id = redis.call('INCR', KEYS[1]) - 1
            local json = '{"id":' .. string.format('%d', id) .. ',"text":' .. ARGV[4] .. ',"time":"' .. ARGV[5] .. '"}'
            redis.call('ZADD', KEYS[2], id, json)
            local excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[6])
            if excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, excess - 1) end
            if ARGV[7] ~= '' then
              redis.call('HSET', KEYS[4], ARGV[7], json)
              if redis.call('RPUSH', KEYS[5], ARGV[7]) > tonumber(ARGV[6]) then
                redis.call('HDEL', KEYS[4], redis.call('LPOP', KEYS[5]))
              end
            end
            publish(logId, json)
            return {logId, id}
            """;

    /**
     * ARGV[4..]: from (or "" for the newest), limit. Returns {log id, next id, json...}; for a
     * channel with no log, the id its log will get and next id 0: a read makes nothing.
     */
    private static final String READ = LOGS + """
            local nextId = redis.call('GET', KEYS[1])
            if not nextId then return {nextLogId(), 0} end
            local logId = logIdOf()
            local messages
            if ARGV[4] == '' then
              messages = redis.call('ZRANGE', KEYS[2], -tonumber(ARGV[5]), -1)
            else
              messages = redis.call('ZRANGE', KEYS[2], ARGV[4], '+inf', 'BYSCORE', 'LIMIT', 0, ARGV[5])
            end
            table.insert(messages, 1, nextId)
            table.insert(messages, 1, logId)
            return messages
            """;

    /** Returns {log id, next id}: everything below the next id is gone. A channel with no log is left so. */
    private static final String CLEAR = LOGS + """
            local nextId = redis.call('GET', KEYS[1])
            if not nextId then return {nextLogId(), 0} end
            local logId = logIdOf()
            redis.call('DEL', KEYS[2])
            publish(logId, 'clear ' .. nextId)
            return {logId, nextId}
            """;

    /**
     * ARGV[4]: the log id found to have gone back. Replaces it (once, whoever asks first); returns
     * the log id now (for a channel with no log, the id its log will get).
     */
    private static final String RENEW = LOGS + """
            if redis.call('EXISTS', KEYS[1]) == 0 then return nextLogId() end
            if redis.call('GET', KEYS[3]) == ARGV[4] then
              redis.call('DEL', KEYS[3])
            end
            return logIdOf()
            """;

    /** What an APPEND did; {@code replayed} when its idempotency key was used already. */
    record AppendResult(String logId, Message message, boolean replayed) {
    }

    /** What a CLEAR did: everything below {@code nextId} of {@code logId} is gone. */
    record ClearResult(String logId, long nextId) {
    }

    private final RedisTopology topology;
    private final JedisClientConfig clientConfig;
    private final UnifiedJedis redis;
    private final Metrics metrics;
    private final RedisKeys keys;
    private final AtomicBoolean reachable = new AtomicBoolean(true);
    private volatile boolean closed;

    /** {@code uri}: see {@link RedisTopology#of}. */
    RedisCommands(URI uri, RedisKeys keys, Metrics metrics) {
        this.metrics = metrics;
        this.keys = keys;
        this.clientConfig = DefaultJedisClientConfig.builder()
                .user(JedisURIHelper.getUser(uri))
                .password(JedisURIHelper.getPassword(uri))
                .database(RedisTopology.database(uri))
                // rediss://: TLS with the JVM's trust store; null keeps the connection plain.
                .sslOptions(JedisURIHelper.isRedisSSLScheme(uri) ? SslOptions.defaults() : null)
                .connectionTimeoutMillis(2_000)
                .socketTimeoutMillis(2_000)
                .clientName("nodecast")
                // RESP2 on both connections: the subscriber's plain Jedis connection cannot negotiate RESP3.
                .protocol(RedisProtocol.RESP2)
                .build();
        this.topology = RedisTopology.of(uri, clientConfig);
        this.redis = topology.client();
    }

    AppendResult append(ChannelName channel, String text, String time, int maxMessages, String idempotencyKey) {
        Object reply = run(APPEND, channel, true, Json.write(text), time, Integer.toString(maxMessages),
                idempotencyKey == null ? "" : idempotencyKey);
        return parsed(channel, reply, result -> {
            String logId = text(result.get(0));
            if (result.size() == 3) {
                return new AppendResult(logId, message(result.get(2)), true);
            }
            return new AppendResult(logId, new Message(number(result.get(1)), text, time), false);
        });
    }

    ClearResult clear(ChannelName channel) {
        return parsed(channel, run(CLEAR, channel, true), result -> new ClearResult(text(result.get(0)), number(result.get(1))));
    }

    /** At most {@code limit} messages of {@code channel} from id {@code from} on. */
    LogSlice since(ChannelName channel, long from, int limit) {
        return read(channel, Long.toString(from), limit);
    }

    /** The newest {@code limit} messages of {@code channel}. */
    LogSlice newest(ChannelName channel, int limit) {
        return read(channel, "", limit);
    }

    /** Replaces {@code channel}'s log id {@code goneBack} with a fresh one (if no instance did yet); returns the log id now. */
    String renew(ChannelName channel, String goneBack) {
        return text(run(RENEW, channel, true, goneBack));
    }

    /** Publishes on {@code channel}: the heartbeat a subscription must hear. */
    void publish(String channel, String message) {
        try {
            // The channel is the command's key: on a cluster that routes it to its slot's shard.
            redis.executeCommand(new CommandArguments(Protocol.Command.SPUBLISH).key(channel).add(message));
            markReachable(true, null);
        } catch (JedisException e) {
            throw unavailable(e, false);
        }
    }

    private LogSlice read(ChannelName channel, String from, int limit) {
        return parsed(channel, run(READ, channel, false, from, Integer.toString(limit)), result -> {
            List<Message> messages = new ArrayList<>(result.size() - 2);
            for (Object json : result.subList(2, result.size())) {
                messages.add(message(json));
            }
            return new LogSlice(text(result.get(0)), number(result.get(1)), messages);
        });
    }

    /** A script's reply as {@code parse} reads it; a reply nodecast's scripts never give means the channel's data is damaged. */
    private static <T> T parsed(ChannelName channel, Object reply, Function<List<?>, T> parse) {
        try {
            return parse.apply((List<?>) reply);
        } catch (RuntimeException e) {
            throw new DamagedLogException("Redis holds damaged data for channel " + channel + ": " + e.getMessage(), e);
        }
    }

    /** A message as stored: JSON with its id, text and time, or it is damaged. */
    private static Message message(Object json) {
        Message message = Message.fromJson(text(json));
        if (message == null || message.text() == null || message.time() == null) {
            throw new IllegalArgumentException("not a message: " + text(json));
        }
        return message;
    }

    /** Runs a script on {@code channel}'s keys with ARGV: a fresh log id, its events channel, its name, then {@code args}. */
    private Object run(String script, ChannelName channel, boolean write, String... args) {
        List<String> argv = new ArrayList<>(List.of(UUID.randomUUID().toString(), keys.events(channel), channel.value()));
        argv.addAll(List.of(args));
        List<String> channelKeys = keys.of(channel);
        try {
            Object result;
            try {
                result = eval(script, channelKeys, argv, write);
            } catch (JedisException e) {
                if (!movedSlot(e)) {
                    throw e;
                }
                // The slot moved (a failover, a reshard): the script never ran, so sending it once
                // more, where the slot is now, cannot store anything twice.
                topology.slotMoved();
                result = eval(script, channelKeys, argv, write);
            }
            markReachable(true, null);
            return result;
        } catch (JedisException e) {
            throw unavailable(e, write);
        }
    }

    private Object eval(String script, List<String> channelKeys, List<String> argv, boolean write) {
        return topology.replicated() && write ? evalReplicated(script, channelKeys, argv) : redis.eval(script, channelKeys, argv);
    }

    /**
     * Under Sentinel or on a cluster a write's answer waits until a replica has it too, so a failover to that
     * replica keeps every acknowledged message. WAIT must follow the script on the same
     * connection, hence the pipeline. Refusing writes while no replica is connected is Redis's
     * job ({@code min-replicas-to-write 1}): it refuses before anything is stored. If WAIT times
     * out the message is stored and already sent to viewers, so it is acknowledged all the same.
     * Reads never wait.
     */
    private Object evalReplicated(String script, List<String> channelKeys, List<String> argv) {
        try (AbstractPipeline pipeline = topology.pipelineFor(redis, channelKeys.get(0))) {
            Response<Object> result = pipeline.eval(script, channelKeys, argv);
            Response<Long> replicas = pipeline.waitReplicas(channelKeys.get(0), 1, 1_000);
            pipeline.sync();
            Object value = result.get();
            if (replicas.get() < 1) {
                LOG.warn("no replica confirmed a write within 1 s; a failover now could lose it");
            }
            return value;
        }
    }

    private LogUnavailableException unavailable(JedisException e, boolean write) {
        String reason = "Redis (" + topology.where() + ") is unavailable: " + e.getMessage();
        if (refused(e)) {
            // Redis answered, refusing (no replica for min-replicas-to-write, out of memory, the slot
            // moved): nothing was done.
            return new LogUnavailableException(reason, e);
        }
        markReachable(false, e);
        return write && !neverSent(e) ? new UncertainWriteException(reason, e) : new LogUnavailableException(reason, e);
    }

    /**
     * True when Redis answered with an error: the command did nothing. The cluster client wraps
     * the answer it gave up on, hence the causes.
     */
    private static boolean refused(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JedisDataException) {
                return true;
            }
        }
        return false;
    }

    private static boolean movedSlot(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JedisMovedDataException) {
                return true;
            }
        }
        return false;
    }

    /** True when the command cannot have reached Redis: no connection could be made or borrowed. */
    private static boolean neverSent(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof java.net.ConnectException || cause instanceof java.net.UnknownHostException
                    || message.startsWith("Failed to connect") || message.startsWith("Could not get a resource")) {
                return true;
            }
        }
        return false;
    }

    /** Where subscriptions to {@code partitions} must be held now: each server with the partitions it holds. */
    Map<HostAndPort, List<Integer>> owners(List<Integer> partitions) {
        return topology.owners(partitions, keys);
    }

    JedisClientConfig clientConfig() {
        return clientConfig;
    }

    boolean isReachable() {
        return reachable.get();
    }

    String where() {
        return topology.where();
    }

    /** Counts every failure; logs only the changes between reachable and not. */
    void markReachable(boolean now, Exception cause) {
        if (!now) {
            metrics.redisError();
        }
        if (reachable.getAndSet(now) != now && !closed) {
            if (now) {
                LOG.info("Redis ({}) is reachable again", topology.where());
            } else {
                LOG.warn("Redis ({}) is unreachable: {}", topology.where(), cause.getMessage());
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        redis.close();
    }

    private static long number(Object value) {
        return value instanceof Long n ? n : Long.parseLong(text(value));
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
    }
}
