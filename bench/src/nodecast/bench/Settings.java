package nodecast.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Everything a run measures and how hard, with the full and the quick (CI smoke) values in one place.
 *
 * @param home the bench/ folder: results/ and target/ go there, wrk.lua is read from there
 * @param peerTransports the transports the comparison with a peer measures, one after the other
 * @param viewerLevels the numbers of parked viewers the fan-out is measured at, rising
 * @param socketsPerWorker at most this many viewers per worker process (one process may open 20,000 files)
 * @param pollDuration how long wrk runs at each concurrency of the 2009 test: whole wait periods plus half of one
 * @param publishWarmUp an unmeasured wrk run before the measured one, so the JIT has compiled the publish path
 * @param peer the server to compare nodecast with instead of the usual run ("nchan"), or null
 * @param peerViewerLevels the numbers of held viewers the comparison is made at, rising
 * @param peerMessages messages published at each of them, one every {@code peerPublishInterval}
 * @param channels instead of the usual run, the channels run's figures; null for the others
 * @param stalled instead of the usual run, the stalled-readers run's figures; null for the others
 */
record Settings(
        boolean quick,
        Path jar,
        Path home,
        List<String> serverJvmOptions,
        List<LogKind> logs,
        List<Transport> peerTransports,
        int warmupViewers,
        int warmupMessages,
        List<Integer> viewerLevels,
        int messagesPerLevel,
        int socketsPerWorker,
        Duration fanOutWaitTimeout,
        Duration pollWaitTimeout,
        List<Integer> concurrencies,
        Duration pollDuration,
        int publishViewers,
        int publishConnections,
        Duration publishWarmUp,
        Duration publishDuration,
        String peer,
        List<Integer> peerViewerLevels,
        int peerMessages,
        Duration peerPublishInterval,
        ChannelLoad channels,
        StalledLoad stalled) {

    /** The server's JVM options unless BENCH_SERVER_JAVA_OPTS says otherwise: a fixed heap ceiling, the JVM's default collector. */
    static final String DEFAULT_SERVER_JVM_OPTIONS = "-Xmx1g";
    static final int DEFAULT_MAX_VIEWERS = 19_000;
    static final List<Integer> DEFAULT_PEER_VIEWERS = List.of(1_000, 5_000, 10_000, DEFAULT_MAX_VIEWERS);
    static final int DEFAULT_CHANNEL_VIEWERS = 10_000;
    static final int DEFAULT_STALLED_READERS = 1_000;

    /**
     * The --channels run. Fan-out: {@code viewers} spread over each number of channels in
     * {@code spreads}, {@code rounds} rounds of one message to every channel, over
     * {@code publishConnections}; first an unmeasured warm-up over {@code warmUpSpread} channels (a
     * number not in {@code spreads}, so its channels are its own). Idle memory: {@code idleChannels}
     * channels read once, then {@code idlePublished} channels given one message each, {@code idleBatch}
     * at a time (the next once the server has dropped them), on a server that drops a channel after
     * {@code idleSeconds} without a viewer. Fewer are published to: with the
     * in-memory log each keeps a ring of --max-messages slots (10,000 by default, 40 KB) on the heap.
     */
    record ChannelLoad(int viewers, List<Integer> spreads, int rounds, int publishConnections, int warmUpViewers,
            int warmUpSpread, int warmUpRounds, int idleChannels, int idlePublished, int idleBatch, int idleSeconds) {
    }

    /**
     * The --stalled run: {@code readers} streams that never read (half SSE, half WebSocket) beside one
     * fast reader of each transport, while {@code publishedCharacters} of text are published in
     * messages of {@code messageCharacters}, on a server with nodecast's default
     * {@code --max-queued-bytes} ({@code maxQueuedBytes}, which the run does not set, so it measures
     * what users get); the stalled readers announce an MSS of {@code maxSegment} bytes (0: loopback's).
     * The server is read once more {@code releaseWait} after publishing (zero: not), past its idle
     * timeout, by when it has dropped every connection it let go.
     */
    record StalledLoad(int readers, long publishedCharacters, int messageCharacters, long maxQueuedBytes, int maxSegment,
            Duration releaseWait) {
        /** nodecast's default --max-queued-bytes: 1 MiB. */
        static final long NODECAST_MAX_QUEUED_BYTES = 1024 * 1024;

        /** Whole messages, enough to carry every character. */
        int messages() {
            return (int) ((publishedCharacters + messageCharacters - 1) / messageCharacters);
        }
    }

    static final class Invalid extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Invalid(String message) {
            super(message);
        }
    }

    static String usage() {
        return """
                Usage: bench/run.sh [--quick] [--max-viewers N] [--logs memory,redis]
                       bench/run.sh --peer nchan [--peer-viewers 1000,5000] [--transports poll,sse,ws] [--quick]
                       bench/run.sh --channels [--channel-viewers N] [--logs memory,redis] [--quick]
                       bench/run.sh --stalled [--stalled-readers N] [--loopback-mss] [--quick]
                  --quick          a smoke run of well under a minute; exits 1 if any message was lost or duplicated
                  --max-viewers N  the largest fan-out measured (default %d; the server may open 20,000 files)
                  --logs LIST      which message logs to run against (default memory,redis)
                  --peer nchan     instead of the usual run, nodecast (in memory) beside Nchan (Debian's nginx with
                                   libnginx-mod-nchan, started by the run): the same browser-like viewers, a message
                                   a second; results in results/nchan.json (a missing nginx skips it, with a note)
                  --peer-viewers L the numbers of viewers the comparison is made at (default %s)
                  --transports L   which of nodecast's transports the comparison measures, each against Nchan's:
                                   poll (long-poll), sse (Server-Sent Events), ws (WebSocket); default all three
                  --channels       instead of the usual run, channels: fan-out to the same viewers spread over 1, 100
                                   and 10,000 channels (a round publishes one message to every channel), then the
                                   memory of a server that served 100,000 channels once and idles; results/channels.json
                  --channel-viewers N  the viewers of the channels fan-out (default %d)
                  --stalled        instead of the usual run, streams that never read (half SSE, half WebSocket) beside
                                   one fast reader of each while 10 MB are published (--quick: 1 MB): the heap they
                                   hold, how many are let go as slow, and whether the fast ones get every message;
                                   then hostile readers (a pong flood, a stall mid-catch-up, a byte after the
                                   request), a fifth as many, each attack on a server of its own; results/stalled.json
                  --stalled-readers N  the stalled readers (default %d; --quick: 100)
                  --loopback-mss   stalled readers announce loopback's MSS (64 KB) instead of 1,460 bytes: the server's
                                   kernel then holds about 3 MB for each (1,000 of them fill the machine's TCP memory)
                Environment: BENCH_SERVER_JAVA_OPTS (default "%s"), NODECAST_JAR (default target/nodecast.jar)
                """.formatted(DEFAULT_MAX_VIEWERS, String.join(",", DEFAULT_PEER_VIEWERS.stream().map(String::valueOf).toList()),
                DEFAULT_CHANNEL_VIEWERS, DEFAULT_STALLED_READERS, DEFAULT_SERVER_JVM_OPTIONS);
    }

    static Settings parse(List<String> args, String serverJvmOptions) {
        boolean quick = false;
        Path jar = null;
        Path home = null;
        int maxViewers = DEFAULT_MAX_VIEWERS;
        List<LogKind> logs = List.of(LogKind.MEMORY, LogKind.REDIS);
        String peer = null;
        List<Integer> peerViewers = DEFAULT_PEER_VIEWERS;
        List<Transport> transports = Transport.ALL;
        boolean channels = false;
        int channelViewers = DEFAULT_CHANNEL_VIEWERS;
        boolean stalled = false;
        Integer stalledReaders = null;
        boolean loopbackMss = false;
        for (int i = 0; i < args.size(); i++) {
            String flag = args.get(i);
            // Flags without a value first.
            boolean valueless = true;
            switch (flag) {
                case "--quick" -> quick = true;
                case "--channels" -> channels = true;
                case "--stalled" -> stalled = true;
                case "--loopback-mss" -> loopbackMss = true;
                default -> valueless = false;
            }
            if (valueless) {
                continue;
            }
            if (i + 1 >= args.size()) {
                throw new Invalid(flag + " needs a value (or is unknown); see --help");
            }
            String value = args.get(++i);
            switch (flag) {
                case "--jar" -> jar = Path.of(value);
                case "--home" -> home = Path.of(value);
                case "--max-viewers" -> maxViewers = positive(flag, value);
                case "--logs" -> logs = Arrays.stream(value.split(",")).map(Settings::logKind).toList();
                case "--peer" -> peer = peer(value);
                case "--transports" -> transports = Transport.parse(value);
                case "--peer-viewers" -> peerViewers = Arrays.stream(value.split(",")).map(v -> positive(flag, v.strip())).sorted().toList();
                case "--channel-viewers" -> channelViewers = positive(flag, value);
                case "--stalled-readers" -> stalledReaders = positive(flag, value);
                default -> throw new Invalid("unknown option " + flag + "; see --help");
            }
        }
        if (jar == null || home == null) {
            throw new Invalid("--jar and --home are required (bench/run.sh passes them)");
        }
        if ((peer != null ? 1 : 0) + (channels ? 1 : 0) + (stalled ? 1 : 0) > 1) {
            throw new Invalid("--peer, --channels and --stalled are separate runs: give one of them");
        }
        int readers = stalledReaders != null ? stalledReaders : quick ? 100 : DEFAULT_STALLED_READERS;
        StalledLoad stalledLoad = stalled
                ? new StalledLoad(readers, quick ? 1_000_000 : 10_000_000, 1_900, StalledLoad.NODECAST_MAX_QUEUED_BYTES,
                        loopbackMss ? 0 : TcpMaxSegment.ETHERNET, quick ? Duration.ZERO : Duration.ofSeconds(60))
                : null;
        List<String> jvm = serverJvmOptions == null || serverJvmOptions.isBlank()
                ? List.of(DEFAULT_SERVER_JVM_OPTIONS.split(" "))
                : List.of(serverJvmOptions.strip().split("\\s+"));
        if (quick) {
            ChannelLoad channelLoad = channels ? new ChannelLoad(200, List.of(1, 20, 200), 3, 4, 50, 10, 3, 2_000, 500, 500, 2) : null;
            return new Settings(true, jar, home, jvm, logs, transports, 50, 10, List.of(200), 5, 9_000,
                    Duration.ofSeconds(60), Duration.ofSeconds(2), List.of(50), Duration.ofSeconds(3),
                    100, 4, Duration.ofSeconds(1), Duration.ofSeconds(2), peer, List.of(200), 5, Duration.ofSeconds(1), channelLoad,
                    stalledLoad);
        }
        List<Integer> levels = new ArrayList<>();
        for (int level : List.of(1_000, 5_000, 10_000)) {
            if (level < maxViewers) {
                levels.add(level);
            }
        }
        levels.add(maxViewers);
        ChannelLoad channelLoad = channels ? new ChannelLoad(channelViewers, channelSpreads(channelViewers), 20, 4, 1_000, 10, 10,
                100_000, 10_000, 5_000, 2) : null;
        return new Settings(false, jar, home, jvm, logs, transports, 1_000, 300, levels, 20, 9_000,
                Duration.ofSeconds(60), Duration.ofSeconds(2), List.of(100, 1_000, 10_000), Duration.ofSeconds(11),
                1_000, 16, Duration.ofSeconds(2), Duration.ofSeconds(10), peer, peerViewers, 20, Duration.ofSeconds(1), channelLoad,
                stalledLoad);
    }

    /** 1, 100 and 10,000 channels, but never more channels than viewers: each channel has a viewer at least. */
    private static List<Integer> channelSpreads(int viewers) {
        return List.of(1, 100, 10_000).stream().map(c -> Math.min(c, viewers)).distinct().toList();
    }

    /** Worker processes needed for the largest level; at least two, so the quick run covers the multi-process path too. */
    int workers() {
        List<Integer> levels = channels != null ? List.of(channels.viewers()) : peer == null ? viewerLevels : peerViewerLevels;
        int most = levels.get(levels.size() - 1);
        return Math.max(2, (most + socketsPerWorker - 1) / socketsPerWorker);
    }

    private static int positive(String flag, String value) {
        try {
            int number = Integer.parseInt(value);
            if (number > 0) {
                return number;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new Invalid(flag + " must be a positive whole number, got '" + value + "'");
    }

    private static String peer(String name) {
        if (!name.equals("nchan")) {
            throw new Invalid("--peer takes nchan, got '" + name + "'");
        }
        return name;
    }

    private static LogKind logKind(String name) {
        for (LogKind kind : LogKind.values()) {
            if (kind.label.equals(name.strip())) {
                return kind;
            }
        }
        throw new Invalid("--logs takes memory and/or redis, got '" + name + "'");
    }
}
