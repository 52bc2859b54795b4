package nodecast.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measurement 4: messages per second accepted by {@code POST /submit-message} (JSON) from wrk's
 * keep-alive connections, while viewers follow the broadcast and must each receive every message.
 */
final class PublishMeasurement {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

    /**
     * wrk's requests still in flight when it stops may be stored after the marker messages, so
     * losses are counted per viewer, exactly: ids it skipped, and viewers that never got the end marker.
     *
     * @param lost ids skipped by some viewer (each viewer's ids must run on without a gap)
     * @param behind viewers that had not received the end marker when the wait for it ran out
     */
    record Row(LogKind log, int connections, long accepted, double seconds, double p50Ms, double p99Ms, double maxMs,
            long refused, long socketErrors, int viewers, long delivered, long lost, long duplicated, int behind,
            long responses, long serverCpuMs, long redisCpuMs, long wrkCpuMs, long generatorCpuMs) {

        double perSecond() {
            return accepted / seconds;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("log", log.label);
            json.put("connections", connections);
            json.put("accepted", accepted);
            json.put("seconds", seconds);
            json.put("messagesPerSecond", perSecond());
            json.put("p50Ms", p50Ms);
            json.put("p99Ms", p99Ms);
            json.put("maxMs", maxMs);
            json.put("refused", refused);
            json.put("socketErrors", socketErrors);
            json.put("viewers", viewers);
            json.put("delivered", delivered);
            json.put("lost", lost);
            json.put("duplicated", duplicated);
            json.put("viewersBehind", behind);
            json.put("viewerResponses", responses);
            json.put("serverCpuMs", serverCpuMs);
            json.put("redisCpuMs", redisCpuMs);
            json.put("wrkCpuMs", wrkCpuMs);
            json.put("generatorCpuMs", generatorCpuMs);
            return json;
        }
    }

    private PublishMeasurement() {
    }

    /** Runs on {@code server}, a fresh one with no viewers yet. */
    static Row run(Settings settings, Children children, LogKind log, NodecastProcess server, LoadGenerator generator,
            Publisher publisher, Path logDir) throws IOException {
        String url = "http://127.0.0.1:" + server.port() + "/submit-message";
        LoadGenerator.Opened opened = generator.openUpTo(settings.publishViewers(), server.port(), 0, OPEN_TIMEOUT);
        // A short unmeasured run first, so the measured one does not include the JIT's first seconds.
        Wrk.run(children, settings, 1, settings.publishConnections(), settings.publishWarmUp(), url, server.publishKey(),
                logDir.resolve(log.label + "-wrk-publish-warm-up.log"));
        long warmUpEnd = publisher.publish("publish-test start").id();
        generator.await(warmUpEnd, CATCH_UP_TIMEOUT);
        Bench.pause(500);
        generator.report();
        long serverCpu = server.cpuMillis();
        long redisCpu = server.redisCpuMillis();
        long generatorCpu = generator.cpuMillis();
        Wrk.Result wrk = Wrk.run(children, settings, 1, settings.publishConnections(), settings.publishDuration(),
                url, server.publishKey(), logDir.resolve(log.label + "-wrk-publish.log"));
        // One more message, published after all of wrk's, tells the last id; the viewers are done when they have it.
        long lastId = publisher.publish("publish-test end").id();
        int caughtUp = generator.await(lastId, CATCH_UP_TIMEOUT);
        serverCpu = server.cpuMillis() - serverCpu;
        redisCpu = server.redisCpuMillis() - redisCpu;
        generatorCpu = generator.cpuMillis() - generatorCpu;
        LoadGenerator.Report report = generator.report();
        Row row = new Row(log, settings.publishConnections(), wrk.requests() - wrk.non2xx(), wrk.seconds(),
                wrk.p50Ms(), wrk.p99Ms(), wrk.maxMs(), wrk.non2xx(), wrk.socketErrors() + wrk.timeouts(),
                opened.viewers(), report.delivered(), report.skipped(), report.duplicated(), opened.viewers() - caughtUp,
                report.responses(), serverCpu, redisCpu, wrk.cpuMillis(), generatorCpu);
        Bench.log("  %s: published %.0f messages/s, p99 %.1f ms; %d of %d viewers caught up, lost %d, duplicated %d",
                log.label, row.perSecond(), row.p99Ms, caughtUp, opened.viewers(), row.lost, row.duplicated);
        return row;
    }

    static Table table(List<Row> rows) {
        Table table = new Table("Publish throughput: wrk POSTs /submit-message (JSON) on keep-alive connections while viewers follow",
                "log", "conns", "accepted", "msg/s", "p50 ms", "p99 ms", "max ms", "refused", "sock err", "viewers",
                "delivered", "lost", "dup", "behind", "msgs/answer", "server cpu ms", "redis cpu ms", "wrk cpu ms", "generator cpu ms");
        for (Row r : rows) {
            table.row(r.log.label, r.connections, r.accepted, r.perSecond(), r.p50Ms, r.p99Ms, r.maxMs, r.refused, r.socketErrors,
                    r.viewers, r.delivered, r.lost, r.duplicated, r.behind, r.responses == 0 ? Double.NaN : (double) r.delivered / r.responses,
                    r.serverCpuMs, r.log == LogKind.REDIS ? r.redisCpuMs : "-", r.wrkCpuMs, r.generatorCpuMs);
        }
        return table;
    }
}
