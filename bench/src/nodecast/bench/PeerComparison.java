package nodecast.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * nodecast beside a peer (Nchan), driven by the same viewers one server after the other, on one
 * transport: at each number of held viewers, the server's memory over its empty self, then K
 * messages of about 100 bytes published one a second (not back to back: as a live page's messages
 * come), each timed from its publish request to its arrival at each viewer (a long poll's answer,
 * an event, a frame), and the server's CPU over those K seconds.
 */
final class PeerComparison {
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(20);
    /** About 100 bytes a message, as the page's messages are. */
    private static final int MESSAGE_BYTES = 100;

    /**
     * One server at one number of viewers. Latencies in ms over every (message, viewer) pair; lost = viewers x messages - delivered;
     * CPU in ms over the K publishing seconds; the server's memory with no viewer (after the warm-up, whose freed memory
     * both servers keep for reuse, so the first level's growth per viewer is understated) and with the viewers held.
     */
    record Level(String server, Transport transport, int viewers, int failedConnects, int messages, double p50Ms, double p99Ms, double maxMs,
            long delivered, long lost, long duplicated, long viewerErrors, long emptyAnswers,
            long userMs, long systemMs, ServerUsage empty, ServerUsage held) {

        double residentBytesPerViewer() {
            return perViewer(held.residentKib(), empty.residentKib());
        }

        double proportionalBytesPerViewer() {
            return held.proportionalKib() < 0 ? Double.NaN : perViewer(held.proportionalKib(), empty.proportionalKib());
        }

        private double perViewer(long kib, long emptyKib) {
            return viewers == 0 ? Double.NaN : (kib - emptyKib) * 1024.0 / viewers;
        }

        double userMicrosPerDelivery() {
            return delivered == 0 ? Double.NaN : userMs * 1000.0 / delivered;
        }

        double systemMicrosPerDelivery() {
            return delivered == 0 ? Double.NaN : systemMs * 1000.0 / delivered;
        }

        double cpuMicrosPerDelivery() {
            return delivered == 0 ? Double.NaN : (userMs + systemMs) * 1000.0 / delivered;
        }

        /** The figures the table shows and the ratio row divides, in the table's order. */
        double[] figures() {
            return new double[] {p50Ms, p99Ms, maxMs, delivered, lost, duplicated,
                userMicrosPerDelivery(), systemMicrosPerDelivery(), cpuMicrosPerDelivery(),
                residentBytesPerViewer(), proportionalBytesPerViewer()};
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("server", server);
            json.put("transport", transport.word);
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
            json.put("serverUserCpuMs", userMs);
            json.put("serverSystemCpuMs", systemMs);
            json.put("serverUserMicrosPerDelivery", userMicrosPerDelivery());
            json.put("serverSystemMicrosPerDelivery", systemMicrosPerDelivery());
            json.put("serverCpuMicrosPerDelivery", cpuMicrosPerDelivery());
            json.put("emptyResidentKib", empty.residentKib());
            json.put("heldResidentKib", held.residentKib());
            json.put("emptyProportionalKib", empty.proportionalKib());
            json.put("heldProportionalKib", held.proportionalKib());
            json.put("residentBytesPerViewer", residentBytesPerViewer());
            json.put("proportionalBytesPerViewer", proportionalBytesPerViewer());
            return json;
        }
    }

    private final Settings settings;
    private final PeerServer server;
    private final Transport transport;
    private final ViewerStyle viewers;
    private final LoadGenerator generator;
    private long nextId;

    private PeerComparison(Settings settings, PeerServer server, Transport transport, LoadGenerator generator) {
        this.settings = settings;
        this.server = server;
        this.transport = transport;
        this.viewers = server.viewers(transport);
        this.generator = generator;
    }

    /** Runs every level on {@code server}, a fresh one, its viewers following over {@code transport}; closes them afterwards. */
    static List<Level> run(Settings settings, PeerServer server, Transport transport, LoadGenerator generator) throws IOException {
        return new PeerComparison(settings, server, transport, generator).run();
    }

    private List<Level> run() throws IOException {
        warmUp();
        ServerUsage empty = ServerUsage.of(server.pids());
        Bench.log("  %s: %d KiB resident with no viewer", server.name(), empty.residentKib());
        List<Level> levels = new ArrayList<>();
        for (int viewers : settings.peerViewerLevels()) {
            LoadGenerator.Opened opened = generator.openUpTo(viewers, server.port(), this.viewers, nextId, OPEN_TIMEOUT);
            Bench.log("  %s %s: %d viewers held (%d connects failed)", server.name(), transport.word, opened.viewers(), opened.failed());
            // Let the server read and hold the last requests before measuring.
            Bench.pause(500 + viewers / 20);
            ServerUsage held = ServerUsage.of(server.pids());
            levels.add(publishEverySecond(opened, empty, held));
        }
        generator.closeViewers();
        return levels;
    }

    /** The same for both: the JIT has compiled nodecast's paths, and both have met viewers and messages before. */
    private void warmUp() throws IOException {
        generator.openUpTo(settings.warmupViewers(), server.port(), viewers, nextId, OPEN_TIMEOUT);
        Bench.pause(500);
        for (int i = 0; i < settings.warmupMessages(); i++) {
            nextId = server.publisher().publish(text("warm-up " + i)).id() + 1;
            generator.await(nextId - 1, DELIVERY_TIMEOUT);
        }
        generator.closeViewers();
        generator.report();
        Bench.pause(1000);
    }

    private Level publishEverySecond(LoadGenerator.Opened opened, ServerUsage empty, ServerUsage held) throws IOException {
        int viewers = opened.viewers();
        generator.report();
        generator.timing(true);
        ServerUsage before = ServerUsage.of(server.pids());
        Map<Long, Long> sentAt = new HashMap<>();
        long start = System.nanoTime();
        long lastId = nextId;
        for (int k = 0; k < settings.peerMessages(); k++) {
            long due = start + k * settings.peerPublishInterval().toNanos();
            Bench.pause(Math.max(0, (due - System.nanoTime()) / 1_000_000));
            Publishing.Published published = server.publisher().publish(text(viewers + " viewers, message " + k));
            sentAt.put(published.id(), published.sentAt());
            lastId = published.id();
        }
        nextId = lastId + 1;
        generator.await(lastId, DELIVERY_TIMEOUT);
        ServerUsage after = ServerUsage.of(server.pids());
        generator.timing(false);
        LoadGenerator.Report report = generator.report();

        List<Long> latencies = new ArrayList<>();
        report.arrivals().forEach((message, times) -> {
            Long sent = sentAt.get(message.id());
            if (sent != null) {
                times.forEach(t -> latencies.add(t - sent));
            }
        });
        Percentiles nanos = new Percentiles(latencies.stream().mapToLong(Long::longValue).toArray());
        long expected = (long) viewers * settings.peerMessages();
        Level level = new Level(server.name(), transport, viewers, opened.failed(), settings.peerMessages(),
                nanos.at(50) / 1e6, nanos.at(99) / 1e6, nanos.max() / 1e6,
                report.delivered(), expected - report.delivered(), report.duplicated(), report.errors(), report.emptyAnswers(),
                after.userMillis() - before.userMillis(), after.systemMillis() - before.systemMillis(), empty, held);
        Bench.log("  %s %s: %d viewers: p50 %.1f ms, p99 %.1f ms, lost %d, duplicated %d, %.1f us/msg",
                server.name(), transport.word, viewers, level.p50Ms, level.p99Ms, level.lost, level.duplicated, level.cpuMicrosPerDelivery());
        return level;
    }

    /** {@code label} padded to about 100 bytes; letters and spaces only, so it needs no escaping as form data or in JSON. */
    private static String text(String label) {
        StringBuilder text = new StringBuilder(label).append(' ');
        while (text.length() < MESSAGE_BYTES - 20) {
            text.append('x');
        }
        return text.toString();
    }

    /** Names of {@link Level#figures}, in order, as the results JSON gives their ratios. */
    private static final List<String> FIGURES = List.of("p50Ms", "p99Ms", "maxMs", "delivered", "lost", "duplicated",
            "serverUserMicrosPerDelivery", "serverSystemMicrosPerDelivery", "serverCpuMicrosPerDelivery",
            "residentBytesPerViewer", "proportionalBytesPerViewer");

    /**
     * One transport's levels (both lists of that transport alone), per number of viewers: nodecast's row, the peer's row,
     * then nodecast / peer for every figure; nodecast's alone if the peer was skipped.
     */
    static Table table(Transport transport, List<Level> nodecast, List<Level> peer, String peerName) {
        Table table = new Table(transport.label + " against " + peerName + "'s: the same browser-like viewers, a message of"
                + " about 100 bytes every second; latency from publish request to its arrival at each viewer; server CPU per"
                + " message delivered (user, kernel, both); memory growth over the server with no viewer, per viewer held",
                "server", "viewers", "msgs", "p50 ms", "p99 ms", "max ms", "delivered", "lost", "dup",
                "user us/msg", "kernel us/msg", "cpu us/msg", "RSS B/viewer", "PSS B/viewer");
        for (int i = 0; i < nodecast.size(); i++) {
            addRow(table, nodecast.get(i).server, nodecast.get(i));
            if (i >= peer.size()) {
                continue;
            }
            addRow(table, peer.get(i).server, peer.get(i));
            double[] r = ratios(nodecast.get(i), peer.get(i));
            table.row("nodecast/" + peer.get(i).server, "", "", r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10]);
        }
        return table;
    }

    private static void addRow(Table table, String name, Level l) {
        double[] f = l.figures();
        table.row(name, l.viewers, l.messages, f[0], f[1], f[2], l.delivered, l.lost, l.duplicated, f[6], f[7], f[8], f[9], f[10]);
    }

    /** nodecast / peer for every figure, level by level, for the results JSON. */
    static List<Map<String, Object>> ratiosJson(List<Level> nodecast, List<Level> peer) {
        List<Map<String, Object>> ratios = new ArrayList<>();
        for (int i = 0; i < Math.min(nodecast.size(), peer.size()); i++) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("transport", nodecast.get(i).transport.word);
            json.put("viewers", nodecast.get(i).viewers);
            json.put("of", "nodecast/" + peer.get(i).server);
            double[] r = ratios(nodecast.get(i), peer.get(i));
            for (int f = 0; f < FIGURES.size(); f++) {
                json.put(FIGURES.get(f), r[f]);
            }
            ratios.add(json);
        }
        return ratios;
    }

    /**
     * Figure by figure, ours / theirs; NaN where theirs is 0 (nothing lost by either, say) or where either is below 0:
     * memory growth over the empty server is, when a server held less with viewers than after the warm-up, and a
     * ratio of that says nothing.
     */
    private static double[] ratios(Level ours, Level theirs) {
        double[] a = ours.figures();
        double[] b = theirs.figures();
        double[] r = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            r[i] = b[i] <= 0 || a[i] < 0 ? Double.NaN : a[i] / b[i];
        }
        return r;
    }
}
