package nodecast.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The channels run's fan-out: the same viewers spread over 1, 100 and 10,000 channels of one
 * server. A round publishes one message to every channel, so every viewer gets one message a round
 * whatever the spread: with 1 channel a round is 1 publish reaching every viewer, with 10,000 it is
 * 10,000 publishes reaching one viewer each. The next round starts once every viewer has its
 * channel's message and the server has had time to park the viewers again.
 */
final class ChannelFanOut {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(30);

    /**
     * One spread. Latencies in ms from each publish request to each of its viewers' answers; lost =
     * viewers x rounds - delivered; behind: viewers without the last round's message at the timeout.
     */
    record Spread(LogKind log, int channels, int viewers, int failedConnects, int rounds, long published, double publishesPerSecond,
            double p50Ms, double p99Ms, double maxMs, long delivered, long lost, long duplicated, long behind,
            long viewerErrors, long emptyAnswers, long serverCpuMs, long serverSystemMs, long redisCpuMs, long generatorCpuMs) {

        double serverMicrosPerDelivery() {
            return delivered == 0 ? Double.NaN : serverCpuMs * 1000.0 / delivered;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("log", log.label);
            json.put("channels", channels);
            json.put("viewers", viewers);
            json.put("failedConnects", failedConnects);
            json.put("rounds", rounds);
            json.put("published", published);
            json.put("publishesPerSecond", publishesPerSecond);
            json.put("p50Ms", p50Ms);
            json.put("p99Ms", p99Ms);
            json.put("maxMs", maxMs);
            json.put("delivered", delivered);
            json.put("lost", lost);
            json.put("duplicated", duplicated);
            json.put("behind", behind);
            json.put("viewerErrors", viewerErrors);
            json.put("emptyAnswers", emptyAnswers);
            json.put("serverCpuMs", serverCpuMs);
            json.put("serverSystemCpuMs", serverSystemMs);
            json.put("serverCpuMicrosPerDelivery", serverMicrosPerDelivery());
            json.put("redisCpuMs", redisCpuMs);
            json.put("generatorCpuMs", generatorCpuMs);
            return json;
        }
    }

    private final Settings.ChannelLoad load;
    private final LogKind log;
    private final NodecastProcess server;
    private final LoadGenerator generator;
    private final ChannelRoundPublisher publisher;

    private ChannelFanOut(Settings.ChannelLoad load, LogKind log, NodecastProcess server, LoadGenerator generator,
            ChannelRoundPublisher publisher) {
        this.load = load;
        this.log = log;
        this.server = server;
        this.generator = generator;
        this.publisher = publisher;
    }

    /** Warms up, then measures every spread on {@code server}, a fresh one; closes the viewers after each. */
    static List<Spread> run(Settings.ChannelLoad load, LogKind log, NodecastProcess server, LoadGenerator generator) throws IOException {
        try (ChannelRoundPublisher publisher = new ChannelRoundPublisher(server, load.publishConnections())) {
            ChannelFanOut fanOut = new ChannelFanOut(load, log, server, generator, publisher);
            fanOut.spread(new ChannelSpread(load.warmUpSpread()), load.warmUpViewers(), load.warmUpRounds());
            Bench.pause(1000);
            List<Spread> spreads = new ArrayList<>();
            for (int channels : load.spreads()) {
                spreads.add(fanOut.spread(new ChannelSpread(channels), load.viewers(), load.rounds()));
            }
            return spreads;
        }
    }

    private Spread spread(ChannelSpread spread, int viewerCount, int rounds) throws IOException {
        LoadGenerator.Opened opened = generator.openOn(spread, viewerCount, server.port(), OPEN_TIMEOUT);
        int viewers = opened.viewers();
        Bench.log("  %s: %d viewers on %d channels (%d connects failed)", log.label, viewers, spread.channels(), opened.failed());
        // Let the server read and park the last requests before measuring.
        Bench.pause(500 + viewers / 20);
        generator.report();
        generator.timing(true);
        long serverCpu = server.cpuMillis();
        long serverSystem = server.systemMillis();
        long redisCpu = server.redisCpuMillis();
        long generatorCpu = generator.cpuMillis();
        long[][] sentAt = new long[rounds][];
        long publishingNanos = 0;
        int reached = viewers;
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            sentAt[round] = publisher.publishRound(spread, round);
            publishingNanos += System.nanoTime() - start;
            reached = generator.await(round, DELIVERY_TIMEOUT);
            // As the one-channel fan-out does: each round meets a quiet server, not the last one's re-polls.
            Bench.pause(100 + viewers / 40);
        }
        serverCpu = server.cpuMillis() - serverCpu;
        serverSystem = server.systemMillis() - serverSystem;
        redisCpu = server.redisCpuMillis() - redisCpu;
        generatorCpu = generator.cpuMillis() - generatorCpu;
        generator.timing(false);
        LoadGenerator.Report report = generator.report();
        generator.closeViewers();

        List<Long> latencies = new ArrayList<>();
        report.arrivals().forEach((message, times) -> {
            long sent = sentAt[(int) message.id()][message.channel()];
            times.forEach(t -> latencies.add(t - sent));
        });
        Percentiles nanos = new Percentiles(latencies.stream().mapToLong(Long::longValue).toArray());
        long published = (long) rounds * spread.channels();
        Spread result = new Spread(log, spread.channels(), viewers, opened.failed(), rounds, published,
                published / (publishingNanos / 1e9), nanos.at(50) / 1e6, nanos.at(99) / 1e6, nanos.max() / 1e6,
                report.delivered(), (long) viewers * rounds - report.delivered(), report.duplicated(), viewers - reached,
                report.errors(), report.emptyAnswers(), serverCpu, serverSystem, redisCpu, generatorCpu);
        Bench.log("  %s: %d channels: p50 %.1f ms, p99 %.1f ms, lost %d, duplicated %d, %.1f us/msg, %.0f publishes/s",
                log.label, spread.channels(), result.p50Ms, result.p99Ms, result.lost, result.duplicated,
                result.serverMicrosPerDelivery(), result.publishesPerSecond);
        return result;
    }

    static Table table(List<Spread> spreads) {
        Table table = new Table("Fan-out over channels: the same viewers spread over C channels (viewer j on channel j mod C); a round"
                + " publishes one message to every channel; latency from each publish request to each of its viewers' answers;"
                + " server CPU over the rounds, per message delivered",
                "log", "channels", "viewers", "rounds", "published", "publish/s", "p50 ms", "p99 ms", "max ms", "delivered", "lost",
                "dup", "behind", "failed conn", "server cpu ms", "kernel %", "server us/msg", "redis cpu ms", "generator cpu ms");
        for (Spread s : spreads) {
            table.row(s.log.label, s.channels, s.viewers, s.rounds, s.published, s.publishesPerSecond, s.p50Ms, s.p99Ms, s.maxMs,
                    s.delivered, s.lost, s.duplicated, s.behind, s.failedConnects, s.serverCpuMs,
                    s.serverCpuMs == 0 ? Double.NaN : 100.0 * s.serverSystemMs / s.serverCpuMs, s.serverMicrosPerDelivery(),
                    s.log == LogKind.REDIS ? s.redisCpuMs : "-", s.generatorCpuMs);
        }
        return table;
    }
}
