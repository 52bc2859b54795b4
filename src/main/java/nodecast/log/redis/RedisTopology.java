package nodecast.log.redis;

import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import nodecast.log.LogUnavailableException;
import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;
import redis.clients.jedis.exceptions.JedisException;
import redis.clients.jedis.providers.ClusterConnectionProvider;
import redis.clients.jedis.providers.ConnectionProvider;
import redis.clients.jedis.providers.PooledConnectionProvider;
import redis.clients.jedis.providers.SentineledConnectionProvider;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.util.JedisURIHelper;

/**
 * What kind of Redis the log lives on, and which server holds each partition of channels now: the
 * one Redis, the master Sentinel names, or the master of the partition's slot in a Redis Cluster.
 * Commands go on pooled connections to that master; a subscription must be held on that server
 * too, since sharded pub/sub is heard only on the shard that owns the channel's slot.
 */
sealed interface RedisTopology extends AutoCloseable {
    /** For the sentinels: no credentials of the data nodes, short timeouts, RESP2 (their connections are plain Jedis ones). */
    JedisClientConfig CONTROL = DefaultJedisClientConfig.builder()
            .connectionTimeoutMillis(2_000).socketTimeoutMillis(2_000).protocol(RedisProtocol.RESP2).build();

    /** A pooled connection to the master that holds {@code key} now; closing it gives it back (or drops it, if it broke). */
    Connection connectionFor(String key);

    /** A pooled connection to each master that holds channels now, for the start-up check of what the Redis user may run. */
    List<Supplier<Connection>> servers();

    /** The server that holds each of {@code partitions} now, with the partitions it holds, in their order. */
    Map<HostAndPort, List<Integer>> owners(List<Integer> partitions, RedisKeys keys);

    /** A command was told its slot moved, or is retried after a failover: read the slot map again before sending it once more. */
    default void slotMoved() {
    }

    /** Whether writes should wait for a replica, so a failover keeps every acknowledged write. */
    boolean replicated();

    /** For logs and errors. */
    String where();

    @Override
    void close();

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

    /** One Redis, or one master: every partition is there. */
    abstract sealed class OneMaster implements RedisTopology permits Single, Sentinel {
        private final ConnectionProvider provider;

        OneMaster(ConnectionProvider provider) {
            this.provider = provider;
        }

        @Override
        public Connection connectionFor(String key) {
            return provider.getConnection();
        }

        @Override
        public List<Supplier<Connection>> servers() {
            return List.of(provider::getConnection);
        }

        @Override
        public void close() {
            try {
                provider.close();
            } catch (Exception e) {
                // closing its pool: nothing to do about a failure
            }
        }
    }

    final class Single extends OneMaster {
        private final HostAndPort address;

        Single(HostAndPort address, JedisClientConfig config) {
            super(new PooledConnectionProvider(address, config));
            this.address = address;
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

    final class Sentinel extends OneMaster {
        private final Set<HostAndPort> sentinels;
        private final String masterName;

        Sentinel(Set<HostAndPort> sentinels, String masterName, JedisClientConfig config) {
            super(new SentineledConnectionProvider(masterName, config, sentinels, CONTROL));
            this.sentinels = sentinels;
            this.masterName = masterName;
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
     * The slot map is the connection provider's own: asking where a slot is connects to nothing.
     * Every command is sent once, to the master the map names: a script is never sent again after
     * a lost answer by the client itself, which could store a message twice.
     */
    final class Cluster implements RedisTopology {
        private final Set<HostAndPort> seeds;
        private final ClusterConnectionProvider slots;

        Cluster(Set<HostAndPort> seeds, JedisClientConfig config) {
            this.seeds = seeds;
            try {
                this.slots = new ClusterConnectionProvider(seeds, config);
            } catch (JedisException e) {
                throw new LogUnavailableException("no node of the Redis Cluster " + seeds + " answered: " + e.getMessage(), e);
            }
        }

        @Override
        public Connection connectionFor(String key) {
            return slots.getConnectionFromSlot(JedisClusterCRC16.getSlot(key));
        }

        @Override
        public List<Supplier<Connection>> servers() {
            List<Supplier<Connection>> servers = new ArrayList<>();
            for (ConnectionPool pool : slots.getPrimaryNodes().values()) {
                servers.add(pool::getResource);
            }
            return servers;
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

        @Override
        public void slotMoved() {
            try {
                slots.renewSlotCache();
            } catch (JedisException e) {
                // no node answers now: the next command fails, and says so
            }
        }

        @Override
        public boolean replicated() {
            return true;
        }

        @Override
        public String where() {
            return "Redis Cluster via " + seeds.stream().map(HostAndPort::toString).collect(Collectors.joining(","));
        }

        @Override
        public void close() {
            slots.close();
        }
    }
}
