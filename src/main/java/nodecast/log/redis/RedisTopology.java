package nodecast.log.redis;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import nodecast.log.LogUnavailableException;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.Pipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * What kind of Redis the log lives on, and which server holds each partition of channels now: the
 * one Redis, the master Sentinel names, or the master of the partition's slot in a Redis Cluster.
 * A subscription must be held on that server, since sharded pub/sub is heard only on the shard
 * that owns the channel's slot.
 */
sealed interface RedisTopology {
    /** For the sentinels: no credentials of the data nodes, short timeouts, RESP2 (their connections are plain Jedis ones). */
    JedisClientConfig CONTROL = DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).protocol(RedisProtocol.RESP2).build();

    /** The pooled client for commands. */
    UnifiedJedis client();

    /** The server that holds each of {@code partitions} now, with the partitions it holds, in their order. */
    Map<HostAndPort, List<Integer>> owners(List<Integer> partitions, RedisKeys keys);

    /**
     * A pipeline on one connection to the master that holds {@code key}: a script and the WAIT
     * that follows it must go down the same connection.
     */
    default AbstractPipeline pipelineFor(UnifiedJedis client, String key) {
        return client.pipelined();
    }

    /** A command was told its slot moved: read the slot map again before sending it once more. */
    default void slotMoved() {
    }

    /** Whether writes should wait for a replica, so a failover keeps every acknowledged write. */
    boolean replicated();

    /** For logs and errors. */
    String where();

    /**
     * {@code redis://[user:password@]host:port/db} (or {@code rediss://}) for one Redis;
     * {@code redis-sentinel://[user:password@]host:port[,host:port]/mastername} for a master that
     * Sentinel fails over; {@code redis-cluster://[user:password@]host:port[,host:port]} for a Redis
     * Cluster, given any of its nodes.
     */
    static RedisTopology of(URI uri, JedisClientConfig config) {
        return switch (uri.getScheme()) {
            case "redis-sentinel" -> new Sentinel(hosts(uri), uri.getPath().substring(1), config);
            case "redis-cluster" -> new Cluster(hosts(uri), config);
            default -> new Single(JedisURIHelper.getHostAndPort(uri), config);
        };
    }

    /** The database a URI names: only one Redis has more than database 0. */
    static int database(URI uri) {
        return uri.getScheme().startsWith("redis-") ? 0 : JedisURIHelper.getDBIndex(uri);
    }

    private static Set<HostAndPort> hosts(URI uri) {
        Set<HostAndPort> hosts = new LinkedHashSet<>();
        for (String hostPort : uri.getAuthority().replaceFirst("^[^@]*@", "").split(",")) {
            hosts.add(HostAndPort.from(hostPort));
        }
        return hosts;
    }

    record Single(HostAndPort address, JedisClientConfig config) implements RedisTopology {
        @Override
        public UnifiedJedis client() {
            return RedisClient.builder().hostAndPort(address).clientConfig(config).build();
        }

        @Override
        public Map<HostAndPort, List<Integer>> owners(List<Integer> partitions, RedisKeys keys) {
            return Map.of(address, partitions);
        }

        @Override
        public boolean replicated() {
            return false;
        }

        @Override
        public String where() {
            return address.toString();
        }
    }

    record Sentinel(Set<HostAndPort> sentinels, String masterName, JedisClientConfig config) implements RedisTopology {
        @Override
        public UnifiedJedis client() {
            return RedisSentinelClient.builder().masterName(masterName).sentinels(sentinels)
                    .clientConfig(config).sentinelClientConfig(CONTROL).build();
        }

        /** Every partition is on the master the sentinels name now. */
        @Override
        public Map<HostAndPort, List<Integer>> owners(List<Integer> partitions, RedisKeys keys) {
            for (HostAndPort sentinel : sentinels) {
                try (Jedis connection = new Jedis(sentinel, CONTROL)) {
                    List<String> master = connection.sentinelGetMasterAddrByName(masterName);
                    if (master != null && master.size() == 2) {
                        return Map.of(new HostAndPort(master.get(0), Integer.parseInt(master.get(1))), partitions);
                    }
                } catch (JedisException e) {
                    // try the next sentinel
                }
            }
            throw new LogUnavailableException("no sentinel of " + sentinels + " names a master '" + masterName + "'", null);
        }

        @Override
        public boolean replicated() {
            return true;
        }

        @Override
        public String where() {
            return "Sentinel master '" + masterName + "' via " + sentinels;
        }
    }

    /**
     * The slot map is the client's own, read through its connection provider: asking where a slot
     * is connects to nothing.
     */
    final class Cluster implements RedisTopology {
        private final Set<HostAndPort> seeds;
        private final JedisClientConfig config;
        private final ClusterConnectionProvider slots;

        Cluster(Set<HostAndPort> seeds, JedisClientConfig config) {
            this.seeds = seeds;
            this.config = config;
            try {
                this.slots = new ClusterConnectionProvider(seeds, config);
            } catch (JedisException e) {
                throw new LogUnavailableException("no node of the Redis Cluster " + seeds + " answered: " + e.getMessage(), e);
            }
        }

        /**
         * One attempt per command: the client would otherwise send a script again after a lost
         * answer, storing a message twice. A moved slot is retried by {@link RedisCommands}.
         */
        @Override
        public UnifiedJedis client() {
            return RedisClusterClient.builder().nodes(seeds).clientConfig(config).connectionProvider(slots).maxAttempts(1).build();
        }

        /**
         * Each partition is on the master of its slot, as the cluster says now: the slot map is read
         * afresh, since this is asked when a subscription ended, likely because a slot moved or a
         * master failed over.
         */
        @Override
        public Map<HostAndPort, List<Integer>> owners(List<Integer> partitions, RedisKeys keys) {
            try {
                slots.renewSlotCache();
            } catch (JedisException e) {
                throw new LogUnavailableException("no node of the Redis Cluster " + seeds + " answered: " + e.getMessage(), e);
            }
            Map<HostAndPort, List<Integer>> owners = new LinkedHashMap<>();
            for (int partition : partitions) {
                HostAndPort master = slots.getNode(JedisClusterCRC16.getSlot(keys.events(partition)));
                if (master == null) {
                    throw new LogUnavailableException("no master of the Redis Cluster " + seeds + " holds partition " + partition, null);
                }
                owners.computeIfAbsent(master, node -> new ArrayList<>()).add(partition);
            }
            return owners;
        }

        /** The cluster client's own pipeline would swallow a lost connection (and log it as an error) instead of throwing. */
        @Override
        public AbstractPipeline pipelineFor(UnifiedJedis client, String key) {
            return new Pipeline(slots.getConnectionFromSlot(JedisClusterCRC16.getSlot(key)), true);
        }

        @Override
        public void slotMoved() {
            slots.renewSlotCache();
        }

        @Override
        public boolean replicated() {
            return true;
        }

        @Override
        public String where() {
            return "Redis Cluster via " + seeds.stream().map(HostAndPort::toString).collect(Collectors.joining(","));
        }
    }
}
