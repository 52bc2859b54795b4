package nodecast;

import static nodecast.RedisLogTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import nodecast.log.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Readers that read slowly, stop, or drain far behind, on both streaming transports, read from
 * plain sockets with a small window. On loopback the kernel takes about 2 MB for a connection
 * before nodecast's queue holds a byte, so each test sends a few MB: messages of 2,000 {@code <},
 * 12 KB each once escaped in JSON. The keepalive period is short, so "two periods" pass in tests.
 */
class SlowReadersTest {
    @RegisterExtension
    private static final StoreServers servers = new StoreServers();

    /** Short, so two periods pass in a test; not so short that a test thread held up by a loaded machine seems to have stopped reading. */
    private static final Duration KEEPALIVE = Duration.ofMillis(400);
    private static final int WINDOW = 2 * 1024;
    /** With a number in front, a message about as long as nodecast takes by default, and six times that once escaped. */
    private static final String BULKY = "<".repeat(1_994);
    /** About 3 MB of messages: more than the kernel holds for one connection. */
    private static final int BACKLOG = 250;

    /** The two streaming transports, opened on a plain socket from an id. */
    enum Transport {
        SSE {
            @Override
            RawViewer open(TestServer server, String query) {
                return RawEventStream.request(server, RawEventStream.get("/events?" + query), WINDOW);
            }
        },
        WEB_SOCKET {
            @Override
            RawViewer open(TestServer server, String query) {
                return RawWebSocket.withWindow(server, "/ws?" + query, WINDOW);
            }
        };

        abstract RawViewer open(TestServer server, String query);
    }

    private static TestServer server(int maxQueuedBytes) {
        return servers.configured(Store.MEMORY, config -> config.maxQueuedBytes(maxQueuedBytes).keepalive(KEEPALIVE));
    }

    private static List<Message> publishBacklog(TestServer s, int count) {
        List<Message> published = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            published.add(s.publish(i + " " + BULKY));
        }
        return published;
    }

    private static String slow(TestServer s) {
        return s.metric("nodecast_stream_disconnects_total{reason=\"slow\"}");
    }

    /** How the server's streams ended so far, for a failure to say. */
    private static String ends(TestServer s) {
        return s.get("/metrics").body().lines().filter(l -> l.startsWith("nodecast_stream_disconnects_total")).toList().toString();
    }

    /** The id of {@code message}, -1 for none (the stream ended): failures then say ids, not 12 KB texts. */
    private static long id(Message message) {
        return message == null ? -1 : message.id();
    }

    static Stream<Arguments> transportsAndBounds() {
        return Stream.of(Transport.values()).flatMap(t -> Stream.of(Arguments.of(t, 64 * 1024), Arguments.of(t, 16 * 1024 * 1024)));
    }

    /**
     * At 1 MB/s the backlog takes about 3 s, 7 keepalive periods, with the queue full all along:
     * with a small bound the stream must neither overflow it nor count a keepalive against it,
     * and with a large one the catch-up must go on after a keepalive found the queue drained.
     */
    @ParameterizedTest
    @MethodSource("transportsAndBounds")
    void a_reader_that_keeps_reading_while_it_catches_up_gets_every_message_and_is_never_cut(Transport transport, int maxQueuedBytes)
            throws IOException {
        TestServer s = server(maxQueuedBytes);
        List<Message> published = publishBacklog(s, BACKLOG);
        try (RawViewer reader = transport.open(s, "id=0")) {
            reader.pace(1_000_000);
            for (Message expected : published) {
                assertEquals(expected.id(), id(reader.nextMessage()), "the reader's next message; " + ends(s));
            }
        }
        assertTrue(slow(s).endsWith(" absent"), slow(s));
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void a_reader_that_stops_reading_mid_catch_up_is_let_go_as_slow_after_two_keepalive_periods(Transport transport) throws IOException {
        TestServer s = server(64 * 1024);
        List<Message> published = publishBacklog(s, BACKLOG);
        try (RawViewer reader = transport.open(s, "id=0")) {
            for (int i = 0; i < 10; i++) {
                assertEquals(published.get(i).id(), id(reader.nextMessage()));
            }
            awaitTrue(() -> slow(s).endsWith(" 1.0") && s.server.channels().viewerCount() == 0,
                    "the stalled reader still holds its place: " + slow(s));
            // Reading again, it finds what was sent before the end, in order, then the end: on a WebSocket, 1008.
            reader.pace(0);
            int next = 10;
            for (Message message = reader.nextMessage(); message != null; message = reader.nextMessage()) {
                assertEquals(published.get(next++).id(), message.id());
            }
            assertTrue(next < BACKLOG, "the stream ended early");
            assertEquals(transport == Transport.WEB_SOCKET ? 1008 : -1, reader.endCode());
        }
        awaitTrue(() -> s.metric("nodecast_stream_queued_bytes ").endsWith(" 0.0"), "the let-go reader's queue is still held");
    }

    /**
     * A socket reader that reads, but slower than messages come: its pings would wait behind a
     * long queue, so it is not pinged while bytes wait, and taking them shows it is there. When
     * it falls a bound behind, it gets 1008 after the messages begun, not a connection cut as if
     * it had vanished.
     */
    @Test
    void a_socket_that_drains_slowly_is_not_taken_for_gone_and_gets_1008_once_it_falls_a_bound_behind() throws Exception {
        TestServer s = server(256 * 1024);
        try (RawWebSocket reader = RawWebSocket.withWindow(s, "/ws?last=0", WINDOW)) {
            reader.next();
            reader.pace(300_000);
            CompletableFuture<List<Long>> read = readToTheEnd(reader);
            List<Message> published = new ArrayList<>();
            while (!slow(s).endsWith(" 1.0")) {
                assertTrue(published.size() < 2_000, "2,000 messages never put the reader a bound behind; " + ends(s));
                published.add(s.publish(published.size() + " " + BULKY));
            }
            reader.pace(0);
            List<Long> got = read.get(30, TimeUnit.SECONDS);
            assertEquals(ids(published).subList(0, got.size()), got, "every message, in order, up to the end");
            assertEquals(1008, reader.endCode(), "after " + got.size() + " of " + published.size() + " messages; " + ends(s));
        }
    }

    /** Reads {@code reader}'s messages on a thread of its own until the stream ends; their ids. */
    private static CompletableFuture<List<Long>> readToTheEnd(RawViewer reader) {
        return CompletableFuture.supplyAsync(() -> {
            List<Long> ids = new ArrayList<>();
            try {
                for (Message message = reader.nextMessage(); message != null; message = reader.nextMessage()) {
                    ids.add(message.id());
                }
            } catch (IOException e) {
                // closed by the test: what was read is the answer
            }
            return ids;
        }, command -> new Thread(command, "slow reader").start());
    }

    private static List<Long> ids(List<Message> messages) {
        return messages.stream().map(Message::id).toList();
    }
}
