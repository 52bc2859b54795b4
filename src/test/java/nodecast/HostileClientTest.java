package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
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
        try (EventStreamClient sse = EventStreamClient.open(s, "/events?last=0"); WebSocketClient ws = WebSocketClient.open(s, "/ws?last=0")) {
            sse.awaitEvents(1);
            ws.awaitFrames(1);
            List<Message> published = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                attack.step(i);
                published.add(s.publish("beside the attack " + i + " " + "x".repeat(500)));
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
}
