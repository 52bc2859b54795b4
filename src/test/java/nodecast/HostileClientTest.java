package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import nodecast.log.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that attack the streams on raw sockets, each beside a fast reader of each transport:
 * whatever one does, what the server holds for it stays within {@code --max-queued-bytes} plus a
 * small constant (the most any stream's queue held, as the server counts it at
 * {@code nodecast_stream_queue_most_bytes}), and the fast readers lose nothing.
 */
class HostileClientTest {
    @RegisterExtension
    private static final StoreServers servers = new StoreServers();

    private static final int BOUND = 16 * 1024;
    /** Beyond the bound: one pong or one frame begun, and what a frame costs besides its bytes. */
    private static final int SLACK = 1_024;
    /** A receive buffer the kernel makes about 4 KB: a window that fills at once. */
    private static final int TINY_WINDOW = 2 * 1024;

    private static TestServer server() {
        return servers.configured(Store.MEMORY, config -> config.maxQueuedBytes(BOUND));
    }

    private static long mostHeldByOneStream(TestServer s) {
        return gauge(s, "nodecast_stream_queue_most_bytes");
    }

    /** What every stream's queue holds now, in bytes. */
    private static long heldNow(TestServer s) {
        return gauge(s, "nodecast_stream_queued_bytes");
    }

    private static long gauge(TestServer s, String name) {
        String line = s.metric(name + " ");
        return (long) Double.parseDouble(line.substring(name.length() + 1));
    }

    /** Fast readers of both transports, then {@code count} messages published while {@code attack} runs; every message reaches both. */
    private static void publishBesideFastReaders(TestServer s, int count, Attack attack) throws Exception {
        publishBesideFastReaders(s, count, "x".repeat(500), attack);
    }

    /** The same with messages of {@code text}, after the number of each. */
    private static void publishBesideFastReaders(TestServer s, int count, String text, Attack attack) throws Exception {
        try (EventStreamClient sse = EventStreamClient.open(s, "/events?last=0"); WebSocketClient ws = WebSocketClient.open(s, "/ws?last=0")) {
            sse.awaitEvents(1);
            ws.awaitFrames(1);
            List<Message> published = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                attack.step(i);
                published.add(s.publish(i + " " + text));
            }
            assertEquals(published, sse.awaitMessages(count), "the fast SSE reader");
            assertEquals(published, ws.awaitMessages(count), "the fast WebSocket reader");
        }
    }

    @FunctionalInterface
    private interface Attack {
        void step(int i) throws IOException;
    }

    @Test
    void a_client_that_floods_pings_and_never_reads_makes_the_server_hold_one_pong_not_one_per_ping() throws Exception {
        TestServer s = server();
        byte[] pings = repeated(RawWebSocket.masked(RawWebSocket.PING, new byte[0]), 10_000);
        try (RawWebSocket flood = RawWebSocket.withWindow(s, "/ws?last=0", TINY_WINDOW)) {
            assertEquals(RawWebSocket.TEXT, flood.next().opcode(), "hello");
            // 6 bytes in, a pong of 2 out, none read: the kernel takes the first 2 MB or so of pongs, then the stream holds them.
            int sent = 0;
            while (heldNow(s) == 0) {
                assertTrue(sent < 3_000_000, "3 million pings never filled the kernel's buffers");
                flood.sendRaw(pings);
                sent += 10_000;
            }
            for (int i = 0; i < 30; i++) {
                flood.sendRaw(pings);
            }
            publishBesideFastReaders(s, 40, i -> { });
        }
        long most = mostHeldByOneStream(s);
        assertTrue(most > 0 && most <= BOUND + SLACK, "the most one stream's queue held: " + most + " bytes, bound " + BOUND);
    }

    private static byte[] repeated(byte[] frame, int times) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < times; i++) {
            all.writeBytes(frame);
        }
        return all.toByteArray();
    }

    /** On loopback the kernel takes some 2 MB for each before the stream's queue holds a byte: 250 messages of 12 KB pass that. */
    @Test
    void clients_with_a_tiny_window_that_never_read_are_held_to_the_bound_and_let_go_as_slow() throws Exception {
        TestServer s = server();
        try (RawEventStream sse = RawEventStream.request(s, RawEventStream.get("/events?last=0"), TINY_WINDOW);
                RawWebSocket ws = RawWebSocket.withWindow(s, "/ws?last=0", TINY_WINDOW)) {
            publishBesideFastReaders(s, 250, BULKY, i -> { });
            RedisLogTest.awaitTrue(() -> s.metric("nodecast_stream_disconnects_total{reason=\"slow\"}").endsWith(" 2.0"),
                    "the readers that never read were not let go as slow");
        }
        assertHeldWithinTheBound(s);
    }

    /** A message as long as nodecast takes by default (with its number in front), and six times that once escaped in JSON. */
    private static final String BULKY = "<".repeat(1_994);

    private static void assertHeldWithinTheBound(TestServer s) {
        long most = mostHeldByOneStream(s);
        assertTrue(most <= BOUND + SLACK, "the most one stream's queue held: " + most + " bytes, bound " + BOUND);
    }

    /** It reads everything, and pings far faster than pongs can go: a pong for the latest ping comes, and nothing piles up. */
    @Test
    void a_client_that_floods_pings_while_it_reads_is_answered_for_its_latest_and_holds_the_bound() throws Exception {
        TestServer s = server();
        byte[] pings = repeated(RawWebSocket.masked(RawWebSocket.PING, "flood".getBytes(StandardCharsets.UTF_8)), 2_000);
        byte[] marker = "the last ping".getBytes(StandardCharsets.UTF_8);
        try (RawWebSocket flood = RawWebSocket.open(s, "/ws?last=0")) {
            flood.next();
            publishBesideFastReaders(s, 40, i -> flood.sendRaw(pings));
            flood.send(RawWebSocket.PING, marker, true);
            for (RawWebSocket.Frame frame = flood.next(); !(frame.opcode() == RawWebSocket.PONG && Arrays.equals(frame.payload(), marker));
                    frame = flood.next()) {
                assertTrue(frame.opcode() == RawWebSocket.PONG || frame.opcode() == RawWebSocket.TEXT, "frame " + frame.opcode());
            }
        }
        assertHeldWithinTheBound(s);
    }

    /**
     * Sequences of frames valid and not, each on a socket of its own: the server carries on (and
     * answers the ping that ends the sequence) or closes with the code RFC 6455 asks for, as
     * {@link ClientFrameSequences} says. The seed is in every failure, to run it again.
     */
    @Test
    void random_frame_sequences_valid_and_not_are_answered_as_rfc_6455_says() throws Exception {
        TestServer s = server();
        long seed = System.nanoTime();
        Random random = new Random(seed);
        byte[] marker = "end of the sequence".getBytes(StandardCharsets.UTF_8);
        publishBesideFastReaders(s, 30, i -> {
            for (int j = 0; j < 10; j++) {
                ClientFrameSequences.Sequence sequence = ClientFrameSequences.next(random, 1 + random.nextInt(12), marker);
                assertEquals(sequence.expectedClose(), outcome(s, sequence.bytes(), marker), "seed " + seed + ": " + sequence.description());
            }
        });
        assertHeldWithinTheBound(s);
        RedisLogTest.awaitTrue(() -> s.server.channels().streamCount() == 0, "sockets closed are let go");
    }

    /** What the server made of {@code bytes} sent on a new socket: the close code it sent, or -1 if it answered the marker's ping. */
    private static int outcome(TestServer s, byte[] bytes, byte[] marker) throws IOException {
        try (RawWebSocket socket = RawWebSocket.open(s, "/ws?last=0")) {
            socket.next();
            socket.sendRaw(bytes);
            while (true) {
                RawWebSocket.Frame frame = socket.next();
                if (frame.opcode() == RawWebSocket.CLOSE) {
                    return frame.closeCode();
                }
                if (frame.opcode() == RawWebSocket.PONG && Arrays.equals(frame.payload(), marker)) {
                    return -1;
                }
            }
        }
    }

    /**
     * Half-closed after its request (it still reads, so it is not gone), then sending bytes no
     * stream will ever answer, with a tiny window and never reading: the bytes are dropped as they
     * come, and the stream is held to the bound and let go as slow.
     */
    @Test
    void a_client_that_half_closes_sends_junk_and_never_reads_is_held_to_the_bound() throws Exception {
        TestServer s = server();
        try (Socket junk = new Socket(); RawEventStream halfClosed = RawEventStream.request(s, RawEventStream.get("/events?last=0"), TINY_WINDOW)) {
            junk.setReceiveBufferSize(TINY_WINDOW);
            junk.connect(new InetSocketAddress("127.0.0.1", s.port()));
            junk.getOutputStream().write(RawEventStream.get("/events?last=0").getBytes(StandardCharsets.ISO_8859_1));
            halfClosed.halfClose();
            byte[] noise = new byte[64 * 1024];
            boolean[] held = {true};
            publishBesideFastReaders(s, 250, BULKY, i -> {
                try {
                    if (held[0]) {
                        junk.getOutputStream().write(noise);
                    }
                } catch (IOException e) {
                    held[0] = false; // let go as slow, its connection closed with the noise unread: a reset
                }
            });
            RedisLogTest.awaitTrue(() -> s.metric("nodecast_stream_disconnects_total{reason=\"slow\"}").endsWith(" 2.0"),
                    "the readers that never read were not let go as slow");
        }
        assertHeldWithinTheBound(s);
    }

    /** It reads a little of a long catch-up, then stops: the catch-up fills its queue to the bound, no further, and it is let go. */
    @Test
    void a_client_that_stalls_mid_catch_up_is_held_to_the_bound_and_let_go() throws Exception {
        TestServer s = servers.configured(Store.MEMORY, config -> config.maxQueuedBytes(BOUND).keepalive(java.time.Duration.ofMillis(500)));
        for (int i = 0; i < 250; i++) {
            s.publish(i + " " + BULKY);
        }
        try (RawWebSocket ws = RawWebSocket.withWindow(s, "/ws?id=0", TINY_WINDOW);
                RawEventStream sse = RawEventStream.request(s, RawEventStream.get("/events?id=0"), TINY_WINDOW)) {
            ws.nextMessage();
            sse.nextMessage();
            publishBesideFastReaders(s, 20, i -> { });
            RedisLogTest.awaitTrue(() -> s.metric("nodecast_stream_disconnects_total{reason=\"slow\"}").endsWith(" 2.0"),
                    "the stalled readers were not let go as slow");
        }
        assertHeldWithinTheBound(s);
    }

    /**
     * Many attackers at once, on threads of their own, beside many fast readers and four
     * publishers: the fast readers get every message, and once everyone has gone the server holds
     * nothing for any of them: no stream, no queued byte or frame.
     */
    @Test
    void many_attackers_at_once_beside_fast_readers_leave_nothing_behind() throws Exception {
        TestServer s = server();
        List<AutoCloseable> open = new ArrayList<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        AtomicBoolean attacking = new AtomicBoolean(true);
        List<StreamViewer> fast = new ArrayList<>();
        try {
            for (int i = 0; i < 10; i++) {
                open.add(RawEventStream.request(s, RawEventStream.get("/events?last=0"), TINY_WINDOW));
                RawWebSocket flood = RawWebSocket.withWindow(s, "/ws?last=0", TINY_WINDOW);
                open.add(flood);
                byte[] pings = repeated(RawWebSocket.masked(RawWebSocket.PING, new byte[0]), 1_000);
                threads.submit(() -> {
                    while (attacking.get()) {
                        flood.sendRaw(pings);
                    }
                    return null;
                });
                long seed = System.nanoTime() + i;
                threads.submit(() -> {
                    Random random = new Random(seed);
                    while (attacking.get()) {
                        ClientFrameSequences.Sequence sequence = ClientFrameSequences.next(random, 8, new byte[] {1});
                        assertEquals(sequence.expectedClose(), outcome(s, sequence.bytes(), new byte[] {1}), "seed " + seed + ": " + sequence.description());
                    }
                    return null;
                });
                fast.add(EventStreamClient.open(s, "/events?last=0"));
                fast.add(WebSocketClient.open(s, "/ws?last=0"));
            }
            RedisLogTest.awaitTrue(() -> s.server.channels().streamCount() >= 40, "the streams never opened");
            List<Future<List<Message>>> publishers = new ArrayList<>();
            for (int p = 0; p < 4; p++) {
                int publisher = p;
                publishers.add(threads.submit(() -> {
                    List<Message> published = new ArrayList<>();
                    for (int i = 0; i < 60; i++) {
                        published.add(s.publish(publisher + " " + i + " " + BULKY));
                    }
                    return published;
                }));
            }
            List<Long> ids = new ArrayList<>();
            for (Future<List<Message>> publisher : publishers) {
                publisher.get(60, TimeUnit.SECONDS).forEach(message -> ids.add(message.id()));
            }
            ids.sort(null);
            for (StreamViewer viewer : fast) {
                assertEquals(ids, viewer.awaitMessages(ids.size()).stream().map(Message::id).toList(), "a fast reader");
            }
        } finally {
            attacking.set(false);
            threads.shutdown();
            for (AutoCloseable each : open) {
                each.close();
            }
            fast.forEach(StreamViewer::close);
        }
        assertTrue(threads.awaitTermination(30, TimeUnit.SECONDS), "the attackers never stopped");
        RedisLogTest.awaitTrue(() -> s.server.channels().streamCount() == 0 && heldNow(s) == 0
                && s.metric("nodecast_stream_queued_frames ").endsWith(" 0.0"), "something is still held: " + s.metric("nodecast_streams ")
                + ", " + s.metric("nodecast_stream_queued_bytes ") + ", " + s.metric("nodecast_stream_queued_frames "));
        assertHeldWithinTheBound(s);
    }
}
