package nodecast.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@link Attack} on a fresh server, as the stalled run's part for issue #15: the server is
 * read (heap after a full GC, RSS, what the streams' queues hold) with the fast readers only, then
 * with the hostile readers in place (the server holds what it will for them), and, in a full run,
 * once the server has let them go; the fast readers must lose nothing meanwhile. Per hostile
 * reader: the growth over the first reading, on the same server, divided by the readers. The log
 * a stall mid-catch-up needs is published before the first reading, so it is in both.
 */
final class AttackRun {
    private static final Duration WAIT_TIMEOUT = Duration.ofSeconds(10);
    private static final String SLOW = "nodecast_stream_disconnects_total{reason=\"slow\"}";
    private static final String GONE = "nodecast_stream_disconnects_total{reason=\"client\"}";
    /** The longest an attack may take to be in place. */
    private static final int ATTACK_SECONDS = 120;
    /** Readings of the queues this far apart that find the same bytes: a catch-up has filled what it will. */
    private static final Duration SETTLED = Duration.ofSeconds(2);
    /**
     * Once an attack is in place and stops: the server reads what it sent before it stopped (a
     * flood's pings wait in the sockets' buffers), so its garbage does not count as held.
     */
    private static final Duration QUIET = Duration.ofSeconds(5);
    /** Two keepalive periods at nodecast's default (15 s), the next tick, and the grace a closed WebSocket gets. */
    private static final Duration LET_GO = Duration.ofSeconds(52);

    /**
     * The server in one state; {@code queuedBytes}, {@code queuedFrames}: what every stream's queue
     * holds, as nodecast counts it; {@code liveKib}: every live object, by the class histogram, which
     * counts them at its own full GC, so the garbage a server still busy with an attack makes after
     * that GC (a flood's pings waiting in its sockets) does not count, as it may in {@code heapKib}.
     */
    record Reading(String state, long streams, long slow, long gone, long queuedBytes, long queuedFrames, long heapKib, long liveKib,
            long residentKib, ClassHistogram histogram) {
        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("state", state);
            json.put("streamsOpen", streams);
            json.put("disconnectedSlow", slow);
            json.put("disconnectedGone", gone);
            json.put("queuedBytes", queuedBytes);
            json.put("queuedFrames", queuedFrames);
            json.put("heapAfterFullGcKib", heapKib);
            json.put("liveObjectsKib", liveKib);
            json.put("residentKib", residentKib);
            return json;
        }
    }

    /**
     * One attack's readings, first with the fast readers only; what each fast reader got; and the
     * classes whose live objects grew most from the first reading to the attack in place.
     */
    record Outcome(Attack attack, int readers, List<Reading> readings, List<StalledStreams.Fast> fast, List<ClassHistogram.Row> heldByClass) {
        /** KiB of heap per hostile reader in {@code reading}, over the first. */
        double heapKibPerReader(Reading reading) {
            return (reading.heapKib - readings.get(0).heapKib) / (double) readers;
        }

        /** KiB of live objects per hostile reader in {@code reading}, over the first. */
        double liveKibPerReader(Reading reading) {
            return (reading.liveKib - readings.get(0).liveKib) / (double) readers;
        }

        double residentKibPerReader(Reading reading) {
            return (reading.residentKib - readings.get(0).residentKib) / (double) readers;
        }

        Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("attack", attack.label);
            json.put("what", attack.description);
            json.put("readers", readers);
            json.put("readings", readings.stream().map(Reading::toJson).toList());
            json.put("heapKibPerReader", readings.stream().skip(1).map(this::heapKibPerReader).toList());
            json.put("liveKibPerReader", readings.stream().skip(1).map(this::liveKibPerReader).toList());
            json.put("fastReaders", fast.stream().map(StalledStreams.Fast::toJson).toList());
            json.put("heldPerReaderByClassInPlace", heldByClass.stream().map(row -> row.toJson(readers)).toList());
            return json;
        }
    }

    private final Settings.StalledLoad load;
    private final int readers;
    private final NodecastProcess server;
    private final List<Reading> readings = new ArrayList<>();

    private AttackRun(Settings.StalledLoad load, int readers, NodecastProcess server) {
        this.load = load;
        this.readers = readers;
        this.server = server;
    }

    /** Runs {@code attack} with {@code readers} hostile readers on a fresh server; {@code full}: read once more after they are let go. */
    static Outcome run(Attack attack, int readers, Settings.StalledLoad load, boolean full, Children children, Settings settings,
            Path logDir) throws IOException {
        Bench.log("attack: %d readers, %s (%s)", readers, attack.label, attack.description);
        try (NodecastProcess server = NodecastProcess.start(children, settings, false, WAIT_TIMEOUT, logDir, "attack-" + attack.name());
                Publisher publisher = new Publisher(server)) {
            return new AttackRun(load, readers, server).run(attack, full, publisher);
        }
    }

    private Outcome run(Attack attack, boolean full, Publisher publisher) throws IOException {
        long lastId = -1;
        if (attack == Attack.STALLED_CATCH_UP) {
            lastId = publish(publisher, load.messages(), "catch-up");
        }
        try (FastReader sse = FastReader.open(StreamTransport.SSE, server.port());
                FastReader webSocket = FastReader.open(StreamTransport.WEB_SOCKET, server.port())) {
            long firstId = lastId + 1;
            Reading before = read("fast readers only");
            List<ClassHistogram.Row> heldByClass;
            try (HostileReaders hostile = HostileReaders.open(attack, server.port(), readers, load.maxSegment())) {
                hostile.attack(inPlace(attack), ATTACK_SECONDS);
                Bench.pause(QUIET.toMillis());
                heldByClass = read("attack in place").histogram().growthOver(before.histogram(), 6);
                lastId = publish(publisher, 20, "beside the attack");
                if (full && attack != Attack.BYTE_AFTER_REQUEST) {
                    Bench.pause(LET_GO.toMillis());
                    read("let go");
                }
            }
            List<StalledStreams.Fast> fast = new ArrayList<>();
            for (FastReader reader : List.of(sse, webSocket)) {
                reader.awaitId(lastId, Duration.ofSeconds(60));
                fast.add(new StalledStreams.Fast(reader.transport(), reader.count(firstId, lastId), reader.ended()));
            }
            return new Outcome(attack, readers, readings, fast, heldByClass);
        }
    }

    /**
     * When the server holds what it will for the attack: every flooder has a pong waiting (the
     * kernel took what it could); every queue of a stalled catch-up has stopped growing; the
     * streams sent a byte with their request have all opened.
     */
    private HostileReaders.Condition inPlace(Attack attack) {
        long[] last = {-1, System.nanoTime()};
        return switch (attack) {
            case PONG_FLOOD -> () -> server.metric("nodecast_stream_queued_frames") >= readers;
            case STALLED_CATCH_UP -> () -> {
                long queued = (long) server.metric("nodecast_stream_queued_bytes");
                if (queued != last[0]) {
                    last[0] = queued;
                    last[1] = System.nanoTime();
                }
                return queued > 0 && System.nanoTime() - last[1] > SETTLED.toNanos();
            };
            case BYTE_AFTER_REQUEST -> () -> server.metric("nodecast_streams") >= readers + 2;
        };
    }

    private long publish(Publisher publisher, int messages, String what) throws IOException {
        String filler = "abcdefghijklmnopqrstuvwxyz".repeat(load.messageCharacters() / 26 + 1).substring(0, load.messageCharacters() - 40);
        long id = -1;
        for (int i = 0; i < messages; i++) {
            id = publisher.publish(what + " message " + i + " " + filler).id();
        }
        return id;
    }

    private Reading read(String state) throws IOException {
        long heap = server.heapAfterFullGcKib();
        ClassHistogram histogram = new ClassHistogram(server.classHistogram());
        Reading reading = new Reading(state, (long) server.metric("nodecast_streams"), (long) server.counter(SLOW), (long) server.counter(GONE),
                (long) server.metric("nodecast_stream_queued_bytes"), (long) server.metric("nodecast_stream_queued_frames"), heap,
                histogram.totalBytes() / 1024, server.residentKib(), histogram);
        readings.add(reading);
        Bench.log("  %s: %d streams, %d let go as slow, %d as gone, %d KiB in the queues (%d frames), heap %d KiB (live objects %d KiB),"
                + " RSS %d KiB", state, reading.streams, reading.slow, reading.gone, reading.queuedBytes / 1024, reading.queuedFrames, heap,
                reading.liveKib, reading.residentKib);
        return reading;
    }

    static Table table(List<Outcome> outcomes, StalledStreams.Outcome stalled, StalledStreams.Outcome control) {
        Table table = new Table("Hostile readers (issue #15), each attack on a fresh server with nodecast's defaults, beside one fast reader of"
                + " each transport: heap after a full GC per hostile reader, over the same server with the fast readers only (live: the"
                + " class histogram's count of live objects, which garbage made after the GC never inflates); queued:"
                + " what the streams' queues hold, as nodecast counts it (bytes and 64 per frame), per reader. The first rows are the"
                + " main run's readers that never read, at its pause, over its control.",
                "attack", "readers", "state", "streams", "slow", "gone", "queued KiB/reader", "heap MiB", "heap KiB/reader", "live KiB/reader",
                "RSS KiB/reader");
        StalledStreams.Held atPause = StalledStreams.held(stalled, control).get(1);
        table.row("never read, tiny window (main run)", stalled.stalledReaders(), atPause.state(), Double.NaN, Double.NaN, Double.NaN,
                atPause.queuedKib(), stalled.readings().get(2).heapKib() / 1024.0, atPause.heapKib(), Double.NaN, atPause.residentKib());
        for (Outcome outcome : outcomes) {
            for (int i = 0; i < outcome.readings.size(); i++) {
                Reading r = outcome.readings.get(i);
                boolean first = i == 0;
                table.row(outcome.attack.label, outcome.readers, r.state, r.streams, r.slow, r.gone,
                        r.queuedBytes / 1024.0 / outcome.readers, r.heapKib / 1024.0,
                        first ? Double.NaN : outcome.heapKibPerReader(r), first ? Double.NaN : outcome.liveKibPerReader(r),
                        first ? Double.NaN : outcome.residentKibPerReader(r));
            }
        }
        return table;
    }

    /** What each hostile reader holds with its attack in place, by class: the classes that grew most, per reader. */
    static Table classTable(List<Outcome> outcomes) {
        Table table = new Table("What a hostile reader holds with its attack in place: live objects by class (jcmd GC.class_histogram, shallow"
                + " sizes), over the same server with the fast readers only, per reader", "attack", "class", "instances", "bytes");
        for (Outcome outcome : outcomes) {
            for (ClassHistogram.Row row : outcome.heldByClass) {
                table.row(outcome.attack.label, row.className(), row.instances() / (double) outcome.readers, row.bytes() / (double) outcome.readers);
            }
        }
        return table;
    }
}
