package nodecast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The stalled-readers run on one fresh server: stalled readers ({@link StalledReaders}) and one
 * {@link FastReader} of each transport open on channel default, then the run's characters
 * published in messages of the run's length. The server is read before any reader; with the
 * readers open; at a pause in publishing, once a stalled reader's queue in nodecast is about
 * {@link #FILL} of --max-queued-bytes (none let go yet); after publishing, once the server has
 * let go the stalled readers that overflowed; and, in a full run, a minute later, once it has
 * dropped their connections (it holds a connection it closed until that connection's idle
 * timeout, 45 s at nodecast's defaults, has passed). Run with no stalled reader, on a server of
 * its own and with the same pause, it is the control: what the messages and the fast readers cost
 * alone, which the stalled readers' figures are taken over.
 *
 * <p>What a stalled stream was sent, nodecast's queue does not hold all of: the kernel takes the
 * first of it, in the server's send buffer and the reader's receive buffer. On loopback the server's
 * send buffer grows to megabytes (Linux sizes it by the client's MSS, 64 KB there), so the queue
 * is found by subtracting what the kernel holds (/proc/net/tcp) from what each stream was sent.
 */
final class StalledStreams {
    /** Short of the bound by more than a batch of messages and the spread between streams. */
    static final double FILL = 0.9;
    /** Messages between two looks at the queues while filling them: 3% of the bound. */
    private static final int FILL_BATCH = 16;
    private static final Duration OPEN_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(60);
    /** The number of streams open has stayed put this long: the server has let go every stalled reader it will. */
    private static final Duration SETTLED = Duration.ofSeconds(2);
    private static final Duration SETTLE_TIMEOUT = Duration.ofSeconds(60);
    /**
     * nodecast gives a WebSocket it closes as slow 5 s to take the close frame, which a stalled one
     * never does, before it drops the connection and what it still holds for it.
     */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(6);
    private static final String SLOW = "nodecast_stream_disconnects_total{reason=\"slow\"}";
    private static final String GONE = "nodecast_stream_disconnects_total{reason=\"client\"}";
    private static final int FAST_READERS = StreamTransport.values().length;

    /**
     * Where publishing pauses for the third reading: after {@code messages}; {@code full}: the
     * stalled queues were then about {@link #FILL} of the bound (else every message was published
     * before they got there: the kernel took the rest).
     */
    record Pause(int messages, boolean full) {
        String state() {
            long percent = Math.round(100 * FILL);
            return full ? "queues about " + percent + "% full" : "all published, queues short of " + percent + "%";
        }
    }

    /**
     * The server in one state: streams open; streams let go as too slow or as gone since it
     * started; bytes each stream had been sent (read by the fast SSE reader); bytes the kernel held
     * for all the server's connections; heap in use after a full GC; RSS; the machine's TCP memory.
     */
    record Reading(String state, double secondsOpen, long streamsOpen, long slow, long gone, long sentToEachStream, long kernelBytes,
            long heapKib, long residentKib, long tcpMemoryKib) {
        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("state", state);
            json.put("secondsSinceReadersOpened", secondsOpen);
            json.put("streamsOpen", streamsOpen);
            json.put("disconnectedSlow", slow);
            json.put("disconnectedGone", gone);
            json.put("bytesSentToEachStream", sentToEachStream);
            json.put("kernelQueuedBytes", kernelBytes);
            json.put("heapAfterFullGcKib", heapKib);
            json.put("residentKib", residentKib);
            json.put("machineTcpMemoryKib", tcpMemoryKib);
            return json;
        }
    }

    /** What a fast reader got of the messages published; {@code ended}: why its stream ended early, or null. */
    record Fast(StreamTransport transport, IdTally.Count count, String ended) {
        boolean isRight() {
            return count.isRight() && ended == null;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("transport", transport.label);
            json.putAll(count.toJson());
            json.put("streamEnded", ended);
            return json;
        }
    }

    /** One server's run: four readings (five in a full run); the live objects by class at the pause and at the last reading. */
    record Outcome(int stalledReaders, Pause pause, List<Reading> readings, List<Fast> fast, int messages, double publishSeconds,
            ClassHistogram atPause, ClassHistogram atEnd) {
        /**
         * KiB in nodecast's queue of a stalled stream in {@code reading}: what each was sent less what
         * the kernel holds for one (0 at least: the kernel holds the response head too, not counted as
         * sent); NaN once any has been let go.
         */
        double queuedKibPerStalledReader(Reading reading) {
            if (stalledReaders == 0 || reading.streamsOpen < stalledReaders + FAST_READERS) {
                return Double.NaN;
            }
            return Math.max(0, reading.sentToEachStream - reading.kernelBytes / stalledReaders) / 1024.0;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("stalledReaders", stalledReaders);
            json.put("pausedAfterMessages", pause.messages());
            json.put("readings", readings.stream().map(Reading::toJson).toList());
            json.put("fastReaders", fast.stream().map(Fast::toJson).toList());
            json.put("messages", messages);
            json.put("publishSeconds", publishSeconds);
            json.put("messagesPerSecond", messages / publishSeconds);
            return json;
        }
    }

    private final Settings.StalledLoad load;
    private final int stalledReaders;
    private final NodecastProcess server;
    private final Publisher publisher;
    private final String filler;
    private final List<Reading> readings = new ArrayList<>();
    private int published;
    private long firstId = -1;
    private long lastId = -1;
    private long publishNanos;
    /** When the readers were open (System.nanoTime). */
    private long openedAt;

    private StalledStreams(Settings.StalledLoad load, int stalledReaders, NodecastProcess server, Publisher publisher) {
        this.load = load;
        this.stalledReaders = stalledReaders;
        this.server = server;
        this.publisher = publisher;
        this.filler = "abcdefghijklmnopqrstuvwxyz".repeat(load.messageCharacters() / 26 + 1);
    }

    /**
     * Measures {@code server}, fresh, with {@code stalledReaders}, pausing when their queues are
     * about {@link #FILL} full; writes its class histograms to {@code histograms}-pause.txt and -end.txt.
     */
    static Outcome run(Settings.StalledLoad load, int stalledReaders, NodecastProcess server, Publisher publisher, Path histograms)
            throws IOException {
        return new StalledStreams(load, stalledReaders, server, publisher).run(null, histograms);
    }

    /** The control: {@code server} with the fast readers only, paused where {@code stalled} paused. */
    static Outcome control(Settings.StalledLoad load, Outcome stalled, NodecastProcess server, Publisher publisher, Path histograms)
            throws IOException {
        return new StalledStreams(load, 0, server, publisher).run(stalled.pause, histograms);
    }

    private Outcome run(Pause givenPause, Path histograms) throws IOException {
        read("before the readers", null);
        int port = server.port();
        try (FastReader sse = FastReader.open(StreamTransport.SSE, port);
                FastReader webSocket = FastReader.open(StreamTransport.WEB_SOCKET, port);
                StalledReaders stalled = StalledReaders.open(port, stalledReaders, load.maxSegment())) {
            List<FastReader> fast = List.of(sse, webSocket);
            openedAt = System.nanoTime();
            awaitStreamsOpen(stalled.size() + FAST_READERS);
            read("readers open, nothing published", sse);
            Pause pause = givenPause != null ? publishTo(givenPause, fast) : fill(sse, fast);
            read(pause.state(), sse);
            ClassHistogram atPause = histogram(histograms, "pause");
            publishUpTo(load.messages(), fast);
            awaitSettled();
            read("after publishing", sse);
            if (!load.releaseWait().isZero()) {
                Bench.pause(load.releaseWait().toMillis());
                read(load.releaseWait().toSeconds() + " s after publishing", sse);
            }
            ClassHistogram atEnd = histogram(histograms, "end");
            List<Fast> got = fast.stream().map(f -> new Fast(f.transport(), f.count(firstId, lastId), f.ended())).toList();
            return new Outcome(stalledReaders, pause, readings, got, published, publishNanos / 1e9, atPause, atEnd);
        }
    }

    /** The server's live objects by class now, its text kept in {@code histograms}-{@code when}.txt. */
    private ClassHistogram histogram(Path histograms, String when) throws IOException {
        String text = server.classHistogram();
        Files.writeString(histograms.resolveSibling(histograms.getFileName() + "-" + when + ".txt"), text);
        return new ClassHistogram(text);
    }

    /** Publishes until a stalled reader's queue in nodecast is about {@link #FILL} of the bound, or every message is out. */
    private Pause fill(FastReader sse, List<FastReader> fast) throws IOException {
        double target = FILL * load.maxQueuedBytes();
        while (published < load.messages()) {
            // Half the way left in one step, at least a batch: the stalled WebSockets must be full long before nodecast's
            // keepalive drops them (two periods without a pong, 30 s at its defaults).
            int step = Math.max(FILL_BATCH, (int) ((target - sse.bytes()) / (2 * load.messageCharacters())));
            publishUpTo(Math.min(load.messages(), published + step), fast);
            // The queue holds what was sent less the kernel's share, so the kernel need not be asked before that much was sent.
            if (sse.bytes() >= target && sse.bytes() - Proc.socketQueuedBytes(server.port()) / stalledReaders >= target) {
                return new Pause(published, true);
            }
        }
        return new Pause(published, false);
    }

    private Pause publishTo(Pause pause, List<FastReader> fast) throws IOException {
        publishUpTo(pause.messages(), fast);
        return pause;
    }

    /**
     * Publishes messages until {@code messages} are, one at a time over one keep-alive connection;
     * then waits until each fast reader has them.
     */
    private void publishUpTo(int messages, List<FastReader> fast) throws IOException {
        long start = System.nanoTime();
        for (; published < messages; published++) {
            lastId = publisher.publish(text(published)).id();
            firstId = firstId < 0 ? lastId : firstId;
        }
        publishNanos += System.nanoTime() - start;
        for (FastReader reader : fast) {
            if (!reader.awaitId(lastId, DELIVERY_TIMEOUT)) {
                Bench.log("  the fast %s reader did not get message %d%s", reader.transport().label, lastId,
                        reader.ended() == null ? " in time" : ": " + reader.ended());
            }
        }
    }

    /** Message {@code n}: its number, then letters up to the run's length (ASCII, so a character is a byte everywhere). */
    private String text(int n) {
        String number = "stalled-readers message " + n + " ";
        return number + filler.substring(0, load.messageCharacters() - number.length());
    }

    private void awaitStreamsOpen(long streams) throws IOException {
        long deadline = System.nanoTime() + OPEN_TIMEOUT.toNanos();
        while (server.metric("nodecast_streams") < streams) {
            if (System.nanoTime() > deadline) {
                throw new IOException("only " + (long) server.metric("nodecast_streams") + " of " + streams + " streams opened in "
                        + OPEN_TIMEOUT.toSeconds() + " s");
            }
            Bench.pause(100);
        }
    }

    /**
     * Waits until the server has let go every stalled reader, or let go no more for a while (each
     * is let go when a message does not fit in its queue, so one that never overflowed stays), then
     * for the grace a closed WebSocket gets.
     */
    private void awaitSettled() throws IOException {
        long deadline = System.nanoTime() + SETTLE_TIMEOUT.toNanos();
        long open = -1;
        long since = System.nanoTime();
        while (System.nanoTime() < deadline) {
            long now = (long) server.metric("nodecast_streams");
            if (now <= FAST_READERS) {
                break;
            }
            if (now != open) {
                open = now;
                since = System.nanoTime();
            } else if (System.nanoTime() - since > SETTLED.toNanos()) {
                break;
            }
            Bench.pause(250);
        }
        if (server.counter(SLOW) > 0) {
            Bench.pause(CLOSE_GRACE.toMillis());
        }
    }

    /** Reads the server; {@code sse}: the fast SSE reader, whose bytes are those every stream was sent (null before it opens). */
    private void read(String state, FastReader sse) throws IOException {
        double secondsOpen = sse == null ? Double.NaN : (System.nanoTime() - openedAt) / 1e9;
        long heap = server.heapAfterFullGcKib();
        long resident = server.residentKib();
        // After the heap: a stream let go while it was read shows.
        Reading reading = new Reading(state, secondsOpen, (long) server.metric("nodecast_streams"), (long) server.counter(SLOW),
                (long) server.counter(GONE), sse == null ? 0 : sse.bytes(), Proc.socketQueuedBytes(server.port()), heap, resident,
                Proc.tcpMemoryKib());
        readings.add(reading);
        Bench.log("  %d stalled: %s%s: %d streams open, %d let go as slow, %d as gone, %d KiB sent to each, %d KiB in the kernel,"
                + " heap %d KiB, RSS %d KiB", stalledReaders, state, sse == null ? "" : " (%.1f s after the readers opened)".formatted(secondsOpen),
                reading.streamsOpen, reading.slow, reading.gone,
                reading.sentToEachStream / 1024, reading.kernelBytes / 1024, heap, resident);
    }

    /**
     * Per stalled reader in one state: heap and RSS over the control's, and what the kernel holds,
     * divided by the stalled readers; and the bytes in its queue in nodecast (NaN once any was let go).
     */
    record Held(String state, double heapKib, double residentKib, double kernelKib, double queuedKib) {
        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("state", state);
            json.put("heapKib", heapKib);
            json.put("residentKib", residentKib);
            json.put("kernelKib", kernelKib);
            json.put("queuedInNodecastKib", queuedKib);
            return json;
        }
    }

    /** Per stalled reader in each state after the first (fresh servers differ by nothing but noise). */
    static List<Held> held(Outcome stalled, Outcome control) {
        List<Held> held = new ArrayList<>();
        double readers = stalled.stalledReaders;
        for (int i = 1; i < stalled.readings.size(); i++) {
            Reading s = stalled.readings.get(i);
            Reading c = control.readings.get(i);
            held.add(new Held(s.state, (s.heapKib - c.heapKib) / readers, (s.residentKib - c.residentKib) / readers,
                    (s.kernelBytes - c.kernelBytes) / 1024.0 / readers, stalled.queuedKibPerStalledReader(s)));
        }
        return held;
    }

    static Table table(Settings.StalledLoad load, Outcome stalled, Outcome control) {
        Table table = new Table(("Stalled readers: %d streams that never read (%d SSE, %d WebSocket, %d KiB receive buffer, MSS %s)"
                + " and one fast reader of each, on channel default, while %.1f MB are published in messages of %d characters;"
                + " --max-queued-bytes %d KiB (nodecast's default); the control has the fast readers only. Slow, gone: streams let go"
                + " as too slow, as gone; sent: bytes each stream"
                + " was sent; kernel: what the kernel holds for the server's connections (both ends); per stalled reader: over the control,"
                + " divided by the stalled readers; queued: sent less the kernel's share, what nodecast's queue holds; s open: since the readers opened")
                .formatted(load.readers(), StalledReaders.count(load.readers(), StreamTransport.SSE),
                        StalledReaders.count(load.readers(), StreamTransport.WEB_SOCKET), StalledReaders.RECEIVE_BUFFER / 1024,
                        load.maxSegment() == 0 ? "loopback's" : load.maxSegment(),
                        load.publishedCharacters() / 1e6, load.messageCharacters(), load.maxQueuedBytes() / 1024),
                "run", "state", "s open", "streams", "slow", "gone", "sent KiB", "kernel MiB", "heap after GC MiB", "RSS MiB", "machine TCP MiB",
                "heap KiB/stalled", "RSS KiB/stalled", "kernel KiB/stalled", "queued KiB/stalled");
        List<Held> held = held(stalled, control);
        for (Outcome outcome : List.of(control, stalled)) {
            for (int i = 0; i < outcome.readings.size(); i++) {
                Reading r = outcome.readings.get(i);
                Held h = outcome == stalled && i > 0 ? held.get(i - 1) : new Held(r.state, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
                table.row(outcome.stalledReaders == 0 ? "control" : outcome.stalledReaders + " stalled", r.state, r.secondsOpen, r.streamsOpen, r.slow,
                        r.gone, r.sentToEachStream / 1024, r.kernelBytes / 1048576.0, r.heapKib / 1024.0, r.residentKib / 1024.0,
                        r.tcpMemoryKib / 1024.0, h.heapKib, h.residentKib, h.kernelKib, h.queuedKib);
            }
        }
        return table;
    }

    static Table fastTable(List<Outcome> outcomes) {
        Table table = new Table("Fast readers: every message once and in order? And the publisher's time (one keep-alive connection, one"
                + " message at a time)", "run", "transport", "delivered", "lost", "dup", "out of order", "stream ended", "messages",
                "publish s", "messages/s");
        for (Outcome outcome : outcomes) {
            for (Fast f : outcome.fast) {
                table.row(outcome.stalledReaders == 0 ? "control" : outcome.stalledReaders + " stalled", f.transport.label,
                        f.count.delivered(), f.count.lost(), f.count.duplicated(), f.count.outOfOrder(), f.ended == null ? "-" : f.ended,
                        outcome.messages, outcome.publishSeconds, outcome.messages / outcome.publishSeconds);
            }
        }
        return table;
    }

    /** The classes whose live objects grew most, the stalled run's over the control's: at the pause, or at the last reading. */
    static List<ClassHistogram.Row> heldByClass(Outcome stalled, Outcome control, boolean atPause) {
        return atPause ? stalled.atPause.growthOver(control.atPause, 12) : stalled.atEnd.growthOver(control.atEnd, 12);
    }

    static Table classTable(Outcome stalled, Outcome control, boolean atPause) {
        Reading last = stalled.readings.get(stalled.readings.size() - 1);
        String when = atPause ? "at the pause (" + stalled.pause.state() + ")" : "at the end (" + last.state + ")";
        Table table = new Table("What a stalled reader holds " + when
                + ": live objects by class (jcmd GC.class_histogram, shallow sizes), the stalled run's over the control's,"
                + " per stalled reader",
                "class", "instances", "bytes");
        for (ClassHistogram.Row row : heldByClass(stalled, control, atPause)) {
            table.row(row.className(), row.instances() / (double) stalled.stalledReaders, row.bytes() / (double) stalled.stalledReaders);
        }
        return table;
    }
}
