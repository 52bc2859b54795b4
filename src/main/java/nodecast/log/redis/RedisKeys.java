package nodecast.log.redis;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32;
import nodecast.log.ChannelName;

/**
 * Where everything lives in Redis, under one prefix so deployments can share a Redis. Channels are
 * spread over a fixed number of partitions: a partition's name is the hash tag of its channels'
 * keys and of its event channel, so every script touches one slot (one node of a cluster) and may
 * publish on that slot's shard, and an instance holds one subscription per Redis server that
 * holds partitions, however many channels there are.
 *
 * <pre>
 *   PREFIX:{pN}:c:NAME:seq         the next id of channel NAME
 *   PREFIX:{pN}:c:NAME:log         its messages: a sorted set of JSON scored by id
 *   PREFIX:{pN}:c:NAME:log-id      the name of its log: from the partition's epoch when made, random when renewed
 *   PREFIX:{pN}:c:NAME:idem        idempotency key to the message first stored under it
 *   PREFIX:{pN}:c:NAME:idem-order  those keys, oldest first
 *   PREFIX:{pN}:c:NAME:attempt:T   the id one publish (or clear) was given, under its token T, for a minute: what its retries find
 *   PREFIX:{pN}:logs               partition N's epoch (field ".", no channel's name) and how many logs each channel had
 *   PREFIX:{pN}:events             every change to partition N's channels, in commit order
 *   PREFIX:{pN}:beat:ID            the heartbeat of one subscription (held where partition N is), heard only by it
 * </pre>
 */
final class RedisKeys {
    static final int PARTITIONS = 64;

    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    /** The keys of {@code channel}'s scripts: seq, log, log-id, idem, idem-order, and its partition's record of logs. */
    List<String> of(ChannelName channel) {
        String tag = partitionTag(channel);
        String base = tag + ":c:" + channel.value() + ":";
        return List.of(base + "seq", base + "log", base + "log-id", base + "idem", base + "idem-order", tag + ":logs");
    }

    /** Where a write of {@code channel} under attempt token {@code token} leaves what it did, for its retries to find. */
    String attempt(ChannelName channel, String token) {
        return partitionTag(channel) + ":c:" + channel.value() + ":attempt:" + token;
    }

    /** The channel every change to {@code channel} is published on. */
    String events(ChannelName channel) {
        return events(partition(channel));
    }

    /** The channel every change to partition {@code partition}'s channels is published on. */
    String events(int partition) {
        return partitionTag(partition) + ":events";
    }

    /**
     * A heartbeat channel of one subscription, heard only by it: in {@code partition}'s slot, so
     * it reaches the shard that subscription is held on.
     */
    String newBeatChannel(int partition) {
        return partitionTag(partition) + ":beat:" + UUID.randomUUID();
    }

    /** CRC32, not hashCode: every instance, on every JVM, must put a channel in the same partition. */
    static int partition(ChannelName channel) {
        CRC32 crc = new CRC32();
        crc.update(channel.value().getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % PARTITIONS);
    }

    private String partitionTag(ChannelName channel) {
        return partitionTag(partition(channel));
    }

    private String partitionTag(int partition) {
        return prefix + ":{p" + partition + "}";
    }
}
