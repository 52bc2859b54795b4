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
import nodecast.metrics.Metrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.CommandArguments;
import redis.clients.jedis.CommandObjects;
import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.Response;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.exceptions.JedisConnectionException;
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
 * <p>Every script goes on a connection found alive just before (a PING), so a connection Redis
 * closed while it lay in the pool never carries one: a command that fails there was never sent.
 * A write is one attempt ({@link WriteAttempt}): what it did, as far as can be known; appends and
 * clears carry an attempt token, which the script remembers for a minute, so an attempt made again
 * after a lost answer finds out what the first did ({@link WriteRetries}). Other failures are
 * {@link LogUnavailableException}: nothing was done.
 */
final class RedisCommands implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RedisCommands.class);
    /** How long a write waits for a replica to confirm it, each attempt. */
    static final int WAIT_MILLIS = 1_000;
    /** How long a script remembers an attempt token: far longer than any write's retries. */
    private static final String TOKEN_MILLIS = "60000";
    /** A connection found dead is dropped and another taken, at most this many times: more than the pool holds. */
    private static final int LIVE_CONNECTION_TRIES = 10;

    /**
     * KEYS: seq, log, log-id, idem, idem-order, the partition's record of logs, and (for appends
     * and clears) the attempt token; ARGV[1] is always a fresh random id, ARGV[2] the events
     * channel, ARGV[3] the channel name.
     *
     * <p>A channel that has no log yet still has a log id, the one its next log will get: made
     * from the partition's epoch (random, made by the first script that needs it) and how many
     * logs the channel has had, so every instance names the same id for it without storing
     * anything for the channel, and viewers who asked before the first message keep their ids
     * when it comes. Losing the record (Redis lost its data) makes a new epoch, so a log made
     * again never takes an id a viewer may still hold.
     *
     * <p>{@code confirmable} says whether a WAIT after the script confirms what it found: 'w' when
     * it wrote (a WAIT then covers everything written before), 'n' when there was nothing to
     * confirm, 'u' when the write that would let WAIT confirm it was refused.
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
            local function confirmable(token, value)
              local written = redis.pcall('SET', token, value, 'PX', ARGV[#ARGV])
              if type(written) == 'table' and written.err then return 'u' end
              return 'w'
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
     * ARGV[4..]: text as a JSON string, time, max messages, idempotency key ("" for none), token
     * lifetime. Returns {log id, id, '', confirmable} when this publish stored it (now, or an
     * earlier attempt of it), or {log id, id, json, confirmable} when its idempotency key was used
     * already and nothing was stored.
     */
    private static final String APPEND = OPEN + """
            local logId = open()
            local done = redis.call('GET', KEYS[7])
            if done and done ~= 'replayed' then return {logId, tonumber(done), '', confirmable(KEYS[7], done)} end
            if ARGV[7] ~= '' then
              local earlier = redis.call('HGET', KEYS[4], ARGV[7])
              if earlier then
                return {logId, tonumber(string.match(earlier, '^{"id":(%d+)')), earlier, confirmable(KEYS[7], 'replayed')}
              end
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
            redis.call('SET', KEYS[7], id, 'PX', ARGV[8])
            publish(logId, json)
            return {logId, id, '', 'w'}
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

    /**
     * ARGV[4]: token lifetime. Returns {log id, next id, confirmable}: everything below the next id
     * is gone (by this clear, or an earlier attempt of it). A channel with no log is left so.
     */
    private static final String CLEAR = LOGS + """
            local nextId = redis.call('GET', KEYS[1])
            if not nextId then return {nextLogId(), 0, 'n'} end
            local logId = logIdOf()
            local done = redis.call('GET', KEYS[7])
            if done then return {logId, tonumber(done), confirmable(KEYS[7], done)} end
            redis.call('DEL', KEYS[2])
            redis.call('SET', KEYS[7], nextId, 'PX', ARGV[4])
            publish(logId, 'clear ' .. nextId)
            return {logId, nextId, 'w'}
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
    private final CommandObjects scripts = new CommandObjects(RedisProtocol.RESP2);
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
    }

    RedisTopology topology() {
        return topology;
    }

    /** One attempt at appending {@code text} to {@code channel}, under {@code token}: the same for every attempt of one publish. */
    WriteAttempt<AppendResult> append(ChannelName channel, String text, String time, int maxMessages, String idempotencyKey,
            String token) {
        return write(APPEND, channel, token, reply -> {
            String logId = text(reply.get(0));
            String earlier = text(reply.get(2));
            if (!earlier.isEmpty()) {
                return new AppendResult(logId, message(earlier), true);
            }
            return new AppendResult(logId, new Message(number(reply.get(1)), text, time), false);
        }, reply -> reply.get(3), Json.write(text), time, Integer.toString(maxMessages), idempotencyKey == null ? "" : idempotencyKey,
                TOKEN_MILLIS);
    }

    /** One attempt at clearing {@code channel}, under {@code token}: the same for every attempt of one clear. */
    WriteAttempt<ClearResult> clear(ChannelName channel, String token) {
        return write(CLEAR, channel, token, reply -> new ClearResult(text(reply.get(0)), number(reply.get(1))), reply -> reply.get(2),
                TOKEN_MILLIS);
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
        return parsed(channel, run(RENEW, channel, goneBack), reply -> text(reply));
    }

    /** Publishes on {@code channel}: the heartbeat a subscription must hear. */
    void publish(String channel, String message) {
        try (Connection connection = topology.connectionFor(channel)) {
            connection.executeCommand(new CommandArguments(Protocol.Command.SPUBLISH).key(channel).add(message));
            markReachable(true, null);
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    private LogSlice read(ChannelName channel, String from, int limit) {
        return parsed(channel, run(READ, channel, from, Integer.toString(limit)), reply -> {
            List<?> result = (List<?>) reply;
            List<Message> messages = new ArrayList<>(result.size() - 2);
            for (Object json : result.subList(2, result.size())) {
                messages.add(message(json));
            }
            return new LogSlice(text(result.get(0)), number(result.get(1)), messages);
        });
    }

    /** Runs a script that changes nothing nodecast promised anyone; a failure means it did nothing worth knowing. */
    private Object run(String script, ChannelName channel, String... args) {
        List<String> channelKeys = keys.of(channel);
        List<String> argv = argv(channel, args);
        try {
            Object reply = evalMovable(script, channelKeys, argv);
            markReachable(true, null);
            return reply;
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    /** EVAL on a live connection to the slot's master; sent once more where the slot is now if Redis says it moved (it never ran). */
    private Object evalMovable(String script, List<String> channelKeys, List<String> argv) {
        try {
            return eval(script, channelKeys, argv);
        } catch (JedisMovedDataException e) {
            topology.slotMoved();
            return eval(script, channelKeys, argv);
        }
    }

    private Object eval(String script, List<String> channelKeys, List<String> argv) {
        try (Connection connection = liveConnection(channelKeys.get(0))) {
            return connection.executeCommand(scripts.eval(script, channelKeys, argv));
        }
    }

    /**
     * One attempt at a write whose script takes {@code token} as its last key. Under Sentinel or on a
     * cluster its answer waits until a replica has it too, so a failover to that replica keeps every
     * acknowledged write: WAIT must follow the script on the same connection, hence the pipeline.
     * Whether it was done is judged from the script's reply alone; WAIT only says whether it is
     * safe. Refusing writes while no replica is connected is Redis's job ({@code
     * min-replicas-to-write 1}): it refuses before anything is stored.
     */
    private <T> WriteAttempt<T> write(String script, ChannelName channel, String token, Function<List<?>, T> parse,
            Function<List<?>, Object> confirmable, String... args) {
        List<String> scriptKeys = new ArrayList<>(keys.of(channel));
        scriptKeys.add(keys.attempt(channel, token));
        List<String> argv = argv(channel, args);
        for (boolean moved = false; ; moved = true) {
            Connection connection;
            try {
                connection = liveConnection(scriptKeys.get(0));
            } catch (JedisException e) {
                markReachable(false, e);
                return WriteAttempt.failed(WriteAttempt.Outcome.NOT_SENT, reason(e), e, null);
            }
            HostAndPort server = connection.getHostAndPort();
            try (connection; Pipeline pipeline = new Pipeline(connection, false)) {
                Response<Object> reply = pipeline.eval(script, scriptKeys, argv);
                Response<Long> replicas = topology.replicated() ? pipeline.waitReplicas(1, WAIT_MILLIS) : null;
                pipeline.sync();
                markReachable(true, null);
                List<?> result;
                try {
                    result = (List<?>) reply.get();
                } catch (JedisMovedDataException e) {
                    if (moved) {
                        return WriteAttempt.failed(WriteAttempt.Outcome.REFUSED, reason(e), e, server);
                    }
                    topology.slotMoved(); // the script never ran: send it once more, where the slot is now
                    continue;
                } catch (JedisDataException e) {
                    return WriteAttempt.failed(WriteAttempt.Outcome.REFUSED, reason(e), e, server);
                }
                T done;
                try {
                    done = parsed(channel, result, parse);
                } catch (DamagedLogException e) {
                    return WriteAttempt.failed(WriteAttempt.Outcome.REFUSED, e.getMessage(), e, server);
                }
                return confirmed(done, text(confirmable.apply(result)), replicas, server);
            } catch (JedisConnectionException e) {
                markReachable(false, e);
                return WriteAttempt.failed(WriteAttempt.Outcome.ANSWER_LOST, reason(e), e, server);
            }
        }
    }

    /** Whether what a script did is safe: it needed no replica, or WAIT says one has everything it wrote. */
    private <T> WriteAttempt<T> confirmed(T done, String confirmable, Response<Long> replicas, HostAndPort server) {
        if (replicas == null || confirmable.equals("n")) {
            return WriteAttempt.done(WriteAttempt.Outcome.CONFIRMED, done, null, server);
        }
        if (confirmable.equals("u")) {
            return WriteAttempt.done(WriteAttempt.Outcome.NOT_REPLICATED, done, "the write WAIT would confirm it by was refused", server);
        }
        try {
            long confirmedBy = replicas.get();
            return confirmedBy >= 1 ? WriteAttempt.done(WriteAttempt.Outcome.CONFIRMED, done, null, server)
                    : WriteAttempt.done(WriteAttempt.Outcome.NOT_REPLICATED, done, "no replica confirmed it within " + WAIT_MILLIS + " ms",
                            server);
        } catch (JedisDataException e) {
            LOG.warn("Redis ({}) refused WAIT after a write, so no replica can confirm it: {}", topology.where(), e.getMessage());
            return WriteAttempt.done(WriteAttempt.Outcome.NOT_REPLICATED, done, "WAIT failed: " + e.getMessage(), server);
        }
    }

    /** Whether the master of {@code channel} now holds attempt token {@code token}: an attempt under it was done there. */
    boolean holds(ChannelName channel, String token) {
        String key = keys.attempt(channel, token);
        try (Connection connection = liveConnection(key)) {
            return ((Long) connection.executeCommand(new CommandArguments(Protocol.Command.EXISTS).key(key))) == 1;
        } catch (JedisException e) {
            throw unavailable(e);
        }
    }

    /**
     * A pooled connection to the master of {@code key}, found alive by a PING: one that Redis closed
     * while it lay in the pool (Redis restarted, or killed) is dropped, never given a command that
     * could then not be told from one whose answer was lost. Any answer, even an error (LOADING),
     * shows it alive.
     */
    private Connection liveConnection(String key) {
        for (int tries = 1; ; tries++) {
            Connection connection = topology.connectionFor(key);
            try {
                connection.ping();
                return connection;
            } catch (JedisDataException e) {
                return connection;
            } catch (JedisConnectionException e) {
                connection.close(); // broken: the pool drops it
                if (tries == LIVE_CONNECTION_TRIES) {
                    throw e;
                }
            }
        }
    }

    /** ARGV of every script: a fresh random id, the channel's events channel, its name, then {@code args}. */
    private List<String> argv(ChannelName channel, String... args) {
        List<String> argv = new ArrayList<>(List.of(UUID.randomUUID().toString(), keys.events(channel), channel.value()));
        argv.addAll(List.of(args));
        return argv;
    }

    /** A script's reply as {@code parse} reads it; a reply nodecast's scripts never give means the channel's data is damaged. */
    private static <R, T> T parsed(ChannelName channel, R reply, Function<R, T> parse) {
        try {
            return parse.apply(reply);
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

    private String reason(JedisException e) {
        return "Redis (" + topology.where() + ") is unavailable: " + e.getMessage();
    }

    private LogUnavailableException unavailable(JedisException e) {
        if (!refused(e)) {
            markReachable(false, e);
        }
        return new LogUnavailableException(reason(e), e);
    }

    /** True when Redis answered with an error: the command did nothing. The cluster client wraps the answer it gave up on, hence the causes. */
    private static boolean refused(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof JedisDataException) {
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
        topology.close();
    }

    private static long number(Object value) {
        return value instanceof Long n ? n : Long.parseLong(text(value));
    }

    static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : value.toString();
    }
}
