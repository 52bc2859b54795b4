package nodecast;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.params.MigrateParams;

/**
 * A real Redis Cluster of the test's own: masters with one replica each, on free ports, made by
 * {@code redis-cli --cluster create} as an operator would. Nodes fail over fast (a node is
 * judged failed after 1 s).
 */
final class RedisCluster implements AutoCloseable {
    private final List<RedisProcess> nodes;

    private RedisCluster(List<RedisProcess> nodes) {
        this.nodes = nodes;
    }

    /** {@code masters} masters and as many replicas, each node started with {@code options} too. */
    static RedisCluster start(int masters, String... options) throws IOException, InterruptedException {
        String cli = RedisProcess.findTool("redis-cli");
        List<RedisProcess> nodes = new ArrayList<>();
        RedisCluster cluster = new RedisCluster(nodes);
        try {
            for (int i = 0; i < masters * 2; i++) {
                String[] nodeOptions = Stream.concat(Stream.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                        "--cluster-node-timeout", "1000"), Stream.of(options)).toArray(String[]::new);
                nodes.add(RedisProcess.startOn(Ports.free(), nodeOptions));
            }
            List<String> create = new ArrayList<>(List.of(cli, "--cluster", "create"));
            nodes.forEach(node -> create.add("127.0.0.1:" + node.port()));
            create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
            Process process = new ProcessBuilder(create).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("redis-cli --cluster create failed: " + output);
            }
            cluster.awaitHealthy();
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    /** The URI nodecast is given: some nodes of the cluster, as an operator would list them. */
    URI uri() {
        return URI.create("redis-cluster://" + nodes.stream().limit(3).map(node -> "127.0.0.1:" + node.port())
                .collect(Collectors.joining(",")));
    }

    /** Waits until every running node says the cluster is ok and every master has a replica in sync. */
    void awaitHealthy() {
        awaitTrue(() -> running().allMatch(node -> node.bulk("CLUSTER INFO").contains("cluster_state:ok"))
                && running().filter(node -> node.bulk("INFO replication").contains("role:slave"))
                        .allMatch(node -> node.bulk("INFO replication").contains("master_link_status:up"))
                && running().filter(node -> node.bulk("INFO replication").contains("role:master"))
                        .allMatch(node -> node.bulk("INFO replication").matches("(?s).*connected_slaves:[1-9].*")),
                "the cluster is healthy");
    }

    private Stream<RedisProcess> running() {
        return nodes.stream().filter(node -> node.command("PING").startsWith("+PONG"));
    }

    /** The node that is master of {@code slot} now, as the running nodes see it. */
    RedisProcess masterOf(int slot) {
        RedisProcess master = findMasterOf(slot);
        if (master == null) {
            throw new AssertionError("no running node names a master of slot " + slot);
        }
        return master;
    }

    /** The master of {@code slot}, or null while none is (a failover under way). */
    private RedisProcess findMasterOf(int slot) {
        for (RedisProcess asked : running().toList()) {
            for (String line : asked.bulk("CLUSTER NODES").split("\n")) {
                String[] fields = line.trim().split(" ");
                if (fields.length < 9 || !fields[2].contains("master") || fields[2].contains("fail")) {
                    continue;
                }
                for (int i = 8; i < fields.length; i++) {
                    String[] range = fields[i].split("-");
                    if (range[0].startsWith("[")) {
                        continue; // a slot being migrated
                    }
                    int from = Integer.parseInt(range[0]);
                    int to = range.length == 2 ? Integer.parseInt(range[1]) : from;
                    if (slot >= from && slot <= to) {
                        int port = Integer.parseInt(fields[1].replaceFirst("^[^:]*:", "").replaceFirst("@.*$", ""));
                        return nodes.stream().filter(node -> node.port() == port).findFirst().orElseThrow();
                    }
                }
            }
        }
        return null;
    }

    /** The replica of {@code master}, as the master sees it. */
    RedisProcess replicaOf(RedisProcess master) {
        String masterId = master.bulk("CLUSTER MYID");
        for (String line : master.bulk("CLUSTER NODES").split("\n")) {
            String[] fields = line.trim().split(" ");
            if (fields.length > 3 && fields[2].contains("slave") && fields[3].equals(masterId)) {
                int port = Integer.parseInt(fields[1].replaceFirst("^[^:]*:", "").replaceFirst("@.*$", ""));
                return nodes.stream().filter(node -> node.port() == port).findFirst().orElseThrow();
            }
        }
        throw new AssertionError("master on port " + master.port() + " has no replica");
    }

    /** The running masters, each once. */
    List<RedisProcess> masters() {
        return running().filter(node -> node.bulk("INFO replication").contains("role:master")).toList();
    }

    /** Waits until a node other than {@code failed} is master of {@code slot}. */
    RedisProcess awaitNewMaster(int slot, RedisProcess failed) {
        awaitTrue(() -> {
            RedisProcess master = findMasterOf(slot);
            return master != null && master != failed;
        }, "a replica took over slot " + slot);
        return masterOf(slot);
    }

    /**
     * Moves {@code slot}, with its keys, to master {@code to}, as {@code redis-cli --cluster
     * reshard} does: importing and migrating, MIGRATE, then every master told its new owner.
     */
    void moveSlot(int slot, RedisProcess to) {
        RedisProcess from = masterOf(slot);
        try (Jedis source = new Jedis("127.0.0.1", from.port()); Jedis target = new Jedis("127.0.0.1", to.port())) {
            String sourceId = source.clusterMyId();
            String targetId = target.clusterMyId();
            target.clusterSetSlotImporting(slot, sourceId);
            source.clusterSetSlotMigrating(slot, targetId);
            for (List<String> keys = source.clusterGetKeysInSlot(slot, 100); !keys.isEmpty(); keys = source.clusterGetKeysInSlot(slot, 100)) {
                source.migrate("127.0.0.1", to.port(), 0, 5_000, new MigrateParams(), keys.toArray(String[]::new));
            }
            target.clusterSetSlotNode(slot, targetId);
            source.clusterSetSlotNode(slot, targetId);
            for (RedisProcess master : masters()) {
                try (Jedis other = new Jedis("127.0.0.1", master.port())) {
                    other.clusterSetSlotNode(slot, targetId);
                }
            }
        }
        awaitTrue(() -> findMasterOf(slot) == to, "slot " + slot + " moved");
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting: " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    @Override
    public void close() {
        nodes.forEach(RedisProcess::close);
    }
}
