package nodecast.bench;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The channels run's memory: a fresh server (dropping a channel after a short idle time) is read,
 * then N distinct channels are each read once ({@code GET /c/NAME/since?id=0}), the server read
 * while it holds them and again once it has dropped them all ({@code nodecast_channels} back to 1: channel default is never dropped); then M
 * more channels get one message each, read the same way. Read channels should cost nothing once
 * idle; a published channel keeps its log (in the in-memory log, on the heap).
 */
final class IdleChannels {
    private static final int CONNECTIONS = 4;
    /** Channel default, which a server takes up at start and never drops: not one of the channels measured. */
    private static final int ALWAYS_HELD = 1;
    private static final Duration DROP_TIMEOUT = Duration.ofSeconds(60);

    /**
     * The server in one state; per-channel figures are the growth over the server before this step's
     * channels were touched, divided by the channels it holds, or if it holds none by the step's channels
     * (while touching, the idle sweep drops the first channels before the last are touched).
     */
    record Memory(LogKind log, String state, int channelsTouched, long channelsHeld, long residentKib, long heapKib,
            double residentBytesPerChannel, double heapBytesPerChannel) {
        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("log", log.label);
            json.put("state", state);
            json.put("channelsTouched", channelsTouched);
            json.put("channelsHeld", channelsHeld);
            json.put("residentKib", residentKib);
            json.put("heapAfterFullGcKib", heapKib);
            json.put("residentBytesPerChannel", residentBytesPerChannel);
            json.put("heapBytesPerChannel", heapBytesPerChannel);
            return json;
        }
    }

    private interface Touch {
        /** Touches one channel once over {@code connection}; throws unless the server answered as it should. */
        void channel(PublishConnection connection, int n) throws IOException;
    }

    private final LogKind log;
    private final NodecastProcess server;
    private final List<Memory> rows = new ArrayList<>();

    private IdleChannels(LogKind log, NodecastProcess server) {
        this.log = log;
        this.server = server;
    }

    /** Measures {@code server}, fresh and started with a short --channel-idle; the last row's channelsHeld must be 0. */
    static List<Memory> run(Settings.ChannelLoad load, LogKind log, NodecastProcess server) throws IOException {
        IdleChannels idle = new IdleChannels(log, server);
        Memory fresh = idle.read("fresh, no channel touched", 0, null);
        Memory read = idle.touch(load.idleChannels(), load.idleBatch(), "read", fresh, (connection, n) -> {
            PublishConnection.Answer answer = connection.send("GET /c/idle-read-" + n + "/since?id=0 HTTP/1.1\r\nHost: 127.0.0.1\r\n",
                    new byte[0]);
            if (!answer.statusIs(200)) {
                throw new IOException("reading channel " + n + " answered " + answer.statusLine());
            }
        });
        String key = server.publishKey();
        idle.touch(load.idlePublished(), load.idleBatch(), "published once", read, (connection, n) -> new Publisher(connection, key)
                .publish("/c/idle-published-" + n, "message of channel " + n));
        return idle.rows;
    }

    /**
     * Touches {@code channels} new channels, {@code batch} at a time, each batch once the last is
     * dropped; reads the server while it holds the last batch and once it has dropped it, against
     * {@code before}; returns the last reading. In batches, because a held channel keeps a tail of
     * --max-messages slots: 100,000 read as fast as they go filled a 1 GB heap on Redis.
     */
    private Memory touch(int channels, int batch, String how, Memory before, Touch touch) throws IOException {
        long start = System.nanoTime();
        for (int from = 0; from < channels; from += batch) {
            touchRange(from, Math.min(channels, from + batch), touch);
            if (from + batch >= channels) {
                Bench.log("  %s: %d channels %s in %.1f s", log.label, channels, how, (System.nanoTime() - start) / 1e9);
                read(channels + " " + how + ", just after the last " + Math.min(batch, channels - from), channels, before);
            }
            long deadline = System.nanoTime() + DROP_TIMEOUT.toNanos();
            while (server.metric("nodecast_channels") > ALWAYS_HELD && System.nanoTime() < deadline) {
                Bench.pause(250);
            }
        }
        return read(channels + " " + how + ", all idle", channels, before);
    }

    /** Touches channels {@code from} to {@code to} - 1, over {@link #CONNECTIONS} keep-alive connections at once. */
    private void touchRange(int from, int to, Touch touch) throws IOException {
        ExecutorService threads = Executors.newFixedThreadPool(CONNECTIONS);
        try {
            List<Future<Void>> done = new ArrayList<>();
            for (int c = 0; c < CONNECTIONS; c++) {
                int first = from + c;
                done.add(threads.submit(() -> {
                    try (PublishConnection connection = new PublishConnection(server.port())) {
                        for (int n = first; n < to; n += CONNECTIONS) {
                            touch.channel(connection, n);
                        }
                    }
                    return null;
                }));
            }
            for (Future<Void> future : done) {
                future.get();
            }
        } catch (ExecutionException e) {
            throw new IOException("touching channels failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            threads.shutdownNow();
        }
    }

    private Memory read(String state, int touched, Memory before) throws IOException {
        long held = (long) server.metric("nodecast_channels") - ALWAYS_HELD;
        long heap = server.heapAfterFullGcKib();
        long resident = server.residentKib();
        long per = held > 0 ? held : touched;
        double residentPer = before == null ? Double.NaN : (resident - before.residentKib) * 1024.0 / per;
        double heapPer = before == null ? Double.NaN : (heap - before.heapKib) * 1024.0 / per;
        Memory memory = new Memory(log, state, touched, held, resident, heap, residentPer, heapPer);
        rows.add(memory);
        Bench.log("  %s: %s: %d held, heap %d KiB, RSS %d KiB", log.label, state, held, heap, resident);
        return memory;
    }

    static Table table(List<Memory> rows) {
        Table table = new Table("Idle channels: a server with --channel-idle 2, fresh, then holding the last batch of channels touched once, then once it has"
                + " dropped them all (nodecast_channels back to 1, default); held: besides default; per channel: growth over the server before the step / channels held"
                + " (if none, the step's channels)",
                "log", "state", "held", "RSS MiB", "heap after GC MiB", "RSS B/channel", "heap B/channel");
        for (Memory m : rows) {
            table.row(m.log.label, m.state, m.channelsHeld, m.residentKib / 1024.0, m.heapKib / 1024.0,
                    m.residentBytesPerChannel, m.heapBytesPerChannel);
        }
        return table;
    }
}
