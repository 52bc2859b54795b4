package nodecast.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Measurements 1, 2 and 5: at each number of parked viewers, the server's memory with all of
 * them parked; then K messages published one at a time, each timed from sending the publish
 * request to each viewer's response; and the server's CPU time over those K rounds.
 */
final class FanOutMeasurement {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(20);

    /**
     * One fan-out level. Latencies in ms over every (message, viewer) pair; lost = viewers x messages - delivered.
     *
     * @param viewerErrors connections that closed or answered other than 200 (their viewers stop)
     * @param emptyAnswers waits that timed out instead of bringing a message (expected: none)
     */
    record Level(LogKind log, int viewers, int failedConnects, int messages, double p50Ms, double p99Ms, double maxMs,
            long delivered, long lost, long duplicated, long viewerErrors, long emptyAnswers,
            long serverCpuMs, long serverSystemMs, long redisCpuMs, long generatorCpuMs) {

        double serverMicrosPerDelivery() {
            return delivered == 0 ? Double.NaN : serverCpuMs * 1000.0 / delivered;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("log", log.label);
            json.put("viewers", viewers);
            json.put("failedConnects", failedConnects);
            json.put("messages", messages);
            json.put("p50Ms", p50Ms);
            json.put("p99Ms", p99Ms);
            json.put("maxMs", maxMs);
            json.put("delivered", delivered);
            json.put("lost", lost);
            json.put("duplicated", duplicated);
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

    /** The server with {@code viewers} parked: resident memory, and heap in use after a full GC. */
    record Memory(LogKind log, int viewers, long residentKib, long heapKib, double residentBytesPerViewer, double heapBytesPerViewer) {
        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("log", log.label);
            json.put("viewers", viewers);
            json.put("residentKib", residentKib);
            json.put("heapAfterFullGcKib", heapKib);
            json.put("residentBytesPerViewer", residentBytesPerViewer);
            json.put("heapBytesPerViewer", heapBytesPerViewer);
            return json;
        }
    }

    record Outcome(List<Level> levels, List<Memory> memory) {
    }

    private final Settings settings;
    private final LogKind log;
    private final NodecastProcess server;
    private final LoadGenerator generator;
    private final Publisher publisher;
    private long nextId;

    private FanOutMeasurement(Settings settings, LogKind log, NodecastProcess server, LoadGenerator generator, Publisher publisher) {
        this.settings = settings;
        this.log = log;
        this.server = server;
        this.generator = generator;
        this.publisher = publisher;
    }

    /** Runs every level on {@code server}, a fresh one (its log empty); leaves the viewers open. */
    static Outcome run(Settings settings, LogKind log, NodecastProcess server, LoadGenerator generator, Publisher publisher)
            throws IOException {
        return new FanOutMeasurement(settings, log, server, generator, publisher).run();
    }

    private Outcome run() throws IOException {
        warmUp();
        List<Memory> memory = new ArrayList<>();
        memory.add(memory(0, null));
        List<Level> levels = new ArrayList<>();
        for (int viewers : settings.viewerLevels()) {
            LoadGenerator.Opened opened = generator.openUpTo(viewers, server.port(), nextId, OPEN_TIMEOUT);
            Bench.log("  %s: %d viewers parked (%d connects failed)", log.label, opened.viewers(), opened.failed());
            // Let the server read and park the last requests before measuring.
            Bench.pause(500 + viewers / 20);
            memory.add(memory(opened.viewers(), memory.get(0)));
            Bench.pause(300);
            levels.add(fanOut(opened));
        }
        return new Outcome(levels, memory);
    }

    /** The JIT and the pools settle first, so the N = 0 memory is not a cold JVM's. */
    private void warmUp() throws IOException {
        generator.openUpTo(settings.warmupViewers(), server.port(), nextId, OPEN_TIMEOUT);
        for (int i = 0; i < settings.warmupMessages(); i++) {
            nextId = publisher.publish("warm-up " + i).id() + 1;
            generator.await(nextId - 1, DELIVERY_TIMEOUT);
        }
        generator.closeViewers();
        generator.report();
        Bench.pause(1000);
    }

    private Memory memory(int viewers, Memory baseline) throws IOException {
        long heap = server.heapAfterFullGcKib();
        long resident = server.residentKib();
        double residentPer = baseline == null || viewers == 0 ? Double.NaN : (resident - baseline.residentKib) * 1024.0 / viewers;
        double heapPer = baseline == null || viewers == 0 ? Double.NaN : (heap - baseline.heapKib) * 1024.0 / viewers;
        return new Memory(log, viewers, resident, heap, residentPer, heapPer);
    }

    private Level fanOut(LoadGenerator.Opened opened) throws IOException {
        int viewers = opened.viewers();
        generator.report();
        generator.timing(true);
        long serverCpu = server.cpuMillis();
        long serverSystem = server.systemMillis();
        long redisCpu = server.redisCpuMillis();
        long generatorCpu = generator.cpuMillis();
        Map<Long, Long> sentAt = new HashMap<>();
        for (int k = 0; k < settings.messagesPerLevel(); k++) {
            Publishing.Published published = publisher.publish("fan-out to " + viewers + ", message " + k);
            sentAt.put(published.id(), published.sentAt());
            nextId = published.id() + 1;
            generator.await(published.id(), DELIVERY_TIMEOUT);
            // Every viewer has sent its next poll; give the server time to park them all again, so
            // each message meets a quiet server rather than the tail of the last one's re-polls.
            Bench.pause(100 + viewers / 40);
        }
        serverCpu = server.cpuMillis() - serverCpu;
        serverSystem = server.systemMillis() - serverSystem;
        redisCpu = server.redisCpuMillis() - redisCpu;
        generatorCpu = generator.cpuMillis() - generatorCpu;
        generator.timing(false);
        LoadGenerator.Report report = generator.report();

        List<Long> latencies = new ArrayList<>();
        report.arrivals().forEach((message, times) -> {
            long sent = sentAt.get(message.id());
            times.forEach(t -> latencies.add(t - sent));
        });
        Percentiles nanos = new Percentiles(latencies.stream().mapToLong(Long::longValue).toArray());
        long expected = (long) viewers * settings.messagesPerLevel();
        Level level = new Level(log, viewers, opened.failed(), settings.messagesPerLevel(),
                nanos.at(50) / 1e6, nanos.at(99) / 1e6, nanos.max() / 1e6,
                report.delivered(), expected - report.delivered(), report.duplicated(), report.errors(), report.emptyAnswers(),
                serverCpu, serverSystem, redisCpu, generatorCpu);
        Bench.log("  %s: fan-out to %d: p50 %.1f ms, p99 %.1f ms, lost %d, duplicated %d",
                log.label, viewers, level.p50Ms, level.p99Ms, level.lost, level.duplicated);
        return level;
    }

    static Table table(List<Level> levels) {
        Table table = new Table("Fan-out: K messages published one at a time to N parked viewers; latency from publish request to each"
                + " viewer's response; server CPU over the K rounds (kernel %: its system time), per message delivered",
                "log", "viewers", "msgs", "p50 ms", "p99 ms", "max ms", "delivered", "lost", "dup", "failed conn",
                "server cpu ms", "kernel %", "server us/msg", "redis cpu ms", "generator cpu ms");
        for (Level l : levels) {
            table.row(l.log.label, l.viewers, l.messages, l.p50Ms, l.p99Ms, l.maxMs, l.delivered, l.lost, l.duplicated,
                    l.failedConnects, l.serverCpuMs, l.serverCpuMs == 0 ? Double.NaN : 100.0 * l.serverSystemMs / l.serverCpuMs,
                    l.serverMicrosPerDelivery(), l.log == LogKind.REDIS ? l.redisCpuMs : "-",
                    l.generatorCpuMs);
        }
        return table;
    }

    static Table memoryTable(List<Memory> memory) {
        Table table = new Table("Parked capacity and memory (per-viewer figures are the growth over N = 0, divided by N)",
                "log", "viewers", "RSS MiB", "heap after GC MiB", "RSS B/viewer", "heap B/viewer");
        for (Memory m : memory) {
            table.row(m.log.label, m.viewers, m.residentKib / 1024.0, m.heapKib / 1024.0, m.residentBytesPerViewer, m.heapBytesPerViewer);
        }
        return table;
    }
}
