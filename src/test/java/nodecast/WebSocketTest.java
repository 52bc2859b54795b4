package nodecast;

import static nodecast.RedisLogTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import nodecast.log.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * WebSocket ({@code /ws}) through the JDK's WebSocket client, on the in-memory log and on a real
 * Redis. What every stream shares with Server-Sent Events (catching up, going live, resyncs) is
 * covered by {@link StreamsTest}; this covers what the socket adds.
 */
class WebSocketTest {
    @RegisterExtension
    private static final StoreServers servers = new StoreServers();

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_socket_says_hello_then_sends_each_message_as_long_poll_encodes_it_then_each_new_one(Store store) {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        s.publish("zero");
        s.publish("one <b>&amp;</b>\nsecond line ✓");
        try (WebSocketClient socket = WebSocketClient.open(s, "/ws")) {
            socket.awaitFrames(3);
            assertEquals(List.of("hello", "message", "message"), socket.kinds());
            JsonObject hello = socket.frames().get(0);
            assertEquals(RedisLogTest.logOf(s), hello.get("log").getAsString());
            assertEquals(0, hello.get("next").getAsLong());
            assertTrue(socket.texts().get(0).endsWith(",\"keepalive\":15}"), "the keepalive period in seconds: " + socket.texts().get(0));
            List<String> texts = socket.texts();
            assertEquals(s.get("/since?id=0").body(), "[" + texts.get(1) + "," + texts.get(2) + "]",
                    "each message is its JSON exactly as long-poll sends it");

            Message live = s.publish("two");
            assertEquals(live, socket.awaitMessages(3).get(2));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void id_and_last_start_a_socket_where_asked_and_a_log_that_is_gone_is_a_reset(Store store) {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        for (int i = 0; i < 5; i++) {
            s.publish("news", "news " + i);
        }
        try (WebSocketClient newest = WebSocketClient.open(s, "/c/news/ws?last=2");
                WebSocketClient fromId = WebSocketClient.open(s, "/c/news/ws?id=4");
                WebSocketClient goneLog = WebSocketClient.open(s, "/c/news/ws?id=3&log=a-log-long-gone")) {
            assertEquals(List.of(3L, 4L), newest.awaitMessages(2).stream().map(Message::id).toList());
            assertEquals(List.of(4L), fromId.awaitMessages(1).stream().map(Message::id).toList());
            goneLog.awaitFrames(7);
            assertEquals(List.of("hello", "reset", "message", "message", "message", "message", "message"), goneLog.kinds());
            assertEquals(s.get("/c/news/since?id=0").headers().firstValue("X-Nodecast-Log").orElseThrow(), goneLog.frames().get(1).get("log").getAsString());
            assertEquals(0, goneLog.messages().get(0).id(), "the current log from 0");
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void trimmed_ids_are_a_gap_and_a_clear_is_told_as_it_happens(Store store) {
        TestServer s = servers.configured(store, config -> config.maxMessages(3));
        for (int i = 0; i < 5; i++) {
            s.publish("news", "news " + i);
        }
        try (WebSocketClient socket = WebSocketClient.open(s, "/c/news/ws?id=0")) {
            socket.awaitFrames(5);
            assertEquals(List.of("hello", "gap", "message", "message", "message"), socket.kinds());
            JsonObject gap = socket.frames().get(1);
            assertEquals(0, gap.get("from").getAsLong());
            assertEquals(2, gap.get("next").getAsLong());

            assertEquals(200, s.postJson("/c/news/clear-messages", "").statusCode());
            socket.awaitFrames(6);
            JsonObject clear = socket.frames().get(5);
            assertEquals("clear", clear.get("event").getAsString());
            assertEquals(5, clear.get("next").getAsLong());
            assertEquals(5, s.publish("news", "after the clear").id());
            assertEquals(5, socket.awaitMessages(4).get(3).id(), "ids carry on after a clear");
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void hundreds_of_sockets_across_channels_get_every_message_of_their_channel_once_in_order(Store store) throws Exception {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        int channels = 4;
        int perChannel = 50;
        List<WebSocketClient> sockets = new ArrayList<>();
        Map<WebSocketClient, Integer> channelOf = new ConcurrentHashMap<>();
        ExecutorService publishers = Executors.newFixedThreadPool(channels);
        try {
            for (int i = 0; i < 200; i++) {
                WebSocketClient socket = WebSocketClient.open(s, "/c/room-" + i % channels + "/ws?id=0");
                sockets.add(socket);
                channelOf.put(socket, i % channels);
            }
            sockets.forEach(socket -> socket.awaitFrames(1));
            List<Future<List<Message>>> published = new ArrayList<>();
            for (int c = 0; c < channels; c++) {
                int channel = c;
                published.add(publishers.submit(() -> IntStream.range(0, perChannel)
                        .mapToObj(i -> s.publish("room-" + channel, "room " + channel + " message " + i)).toList()));
            }
            List<List<Message>> byChannel = new ArrayList<>();
            for (Future<List<Message>> each : published) {
                byChannel.add(each.get());
            }
            for (WebSocketClient socket : sockets) {
                List<Message> expected = byChannel.get(channelOf.get(socket));
                assertEquals(expected, socket.awaitMessages(perChannel), "every message of its channel, once, in order, and nothing else");
            }
        } finally {
            publishers.shutdownNow();
            sockets.forEach(WebSocketClient::close);
        }
        awaitTrue(() -> s.server.channels().streamCount() == 0, "closed sockets are let go");
    }

    @Test
    void a_page_of_another_site_is_refused_before_the_upgrade_and_this_site_and_the_cors_origin_are_not() {
        TestServer s = servers.configured(Store.MEMORY, config -> config.corsOrigin("https://news.example"));
        assertEquals(403, WebSocketClient.refused(s, "/ws", "https://evil.example").status());
        HttpResponse<String> refused = s.send(HttpRequest.newBuilder(s.uri("/ws")).header("Origin", "https://evil.example"));
        assertEquals(403, refused.statusCode());
        assertEquals("a WebSocket may be opened only by this site's pages and https://news.example's, not by https://evil.example's\n",
                refused.body());
        for (String allowed : new String[] {"http://127.0.0.1:" + s.port(), "https://news.example", null}) {
            try (WebSocketClient socket = WebSocketClient.open(s, "/ws", allowed)) {
                socket.awaitFrames(1);
                assertEquals("hello", socket.kinds().get(0), "origin " + allowed);
            }
        }
    }

    @Test
    void what_is_not_a_good_handshake_is_refused_with_a_reason() {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        HttpResponse<String> plain = s.get("/ws");
        assertEquals(426, plain.statusCode());
        assertEquals("websocket", plain.headers().firstValue("Upgrade").orElse(null));
        assertTrue(plain.body().startsWith("this endpoint speaks WebSocket only"), plain.body());
        assertEquals(400, WebSocketClient.refused(s, "/c/bad%20name/ws", null).status());
        assertEquals(400, WebSocketClient.refused(s, "/ws?id=1&last=2", null).status());
        assertEquals(400, WebSocketClient.refused(s, "/ws?last=1001", null).status());
        assertEquals(405, s.postJson("/ws", "").statusCode());
        // What a proxy that drops hop-by-hop headers passes on: the handshake's own headers without Upgrade.
        HttpResponse<String> stripped = s.send(HttpRequest.newBuilder(s.uri("/ws"))
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==").header("Sec-WebSocket-Version", "13"));
        assertEquals(426, stripped.statusCode(), stripped.body());
        assertEquals(0, s.server.channels().streamCount());
    }

    /** In one frame, and as a message in three fragments: their sum is what counts. */
    @ParameterizedTest
    @ValueSource(ints = {1, 3})
    void a_client_frame_over_4_kb_closes_the_socket_with_1009_and_smaller_ones_are_ignored(int fragments) {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        try (WebSocketClient socket = WebSocketClient.open(s, "/ws")) {
            socket.awaitFrames(1);
            socket.send("x".repeat(4_096), fragments);
            s.publish("still open");
            socket.awaitMessages(1);
            socket.send("x".repeat(4_097), fragments);
            socket.awaitEnd();
            assertEquals(1009, socket.closeCode());
        }
        awaitTrue(() -> s.server.channels().streamCount() == 0, "the closed socket is let go");
    }

    @Test
    void a_client_ping_is_answered_with_a_pong_carrying_its_payload() {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        try (WebSocketClient socket = WebSocketClient.open(s, "/ws")) {
            socket.awaitFrames(1);
            socket.sendPing(ByteBuffer.wrap("are you there?".getBytes(StandardCharsets.UTF_8)));
            socket.await(c -> !c.pongs().isEmpty(), "a pong");
            assertEquals(List.of(ByteBuffer.wrap("are you there?".getBytes(StandardCharsets.UTF_8))), socket.pongs());
            s.publish("still open");
            socket.awaitMessages(1);
        }
    }

    @Test
    void a_client_frame_that_arrives_a_byte_at_a_time_is_read_whole() throws Exception {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        try (RawWebSocket socket = RawWebSocket.open(s, "/ws")) {
            assertEquals(RawWebSocket.TEXT, socket.next().opcode(), "hello");
            socket.trickle(RawWebSocket.PING, "piece by piece".getBytes(StandardCharsets.UTF_8));
            RawWebSocket.Frame pong = socket.next();
            assertEquals(RawWebSocket.PONG, pong.opcode());
            assertEquals("piece by piece", new String(pong.payload(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void a_client_close_is_answered_with_a_close_frame_echoing_its_code_and_the_socket_is_let_go() {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        try (WebSocketClient socket = WebSocketClient.open(s, "/ws")) {
            socket.awaitFrames(1);
            socket.sendClose(4321, "leaving the page");
            socket.awaitEnd();
            assertEquals(4321, socket.closeCode());
        }
        awaitTrue(() -> s.server.channels().streamCount() == 0, "the closed socket is let go");
    }

    @Test
    void an_unmasked_client_frame_closes_the_socket_with_1002_and_the_connection_after_it() throws Exception {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        try (RawWebSocket socket = RawWebSocket.open(s, "/ws")) {
            assertEquals(101, socket.status);
            assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", socket.headers.get("sec-websocket-accept"), "RFC 6455's own example");
            assertEquals(RawWebSocket.TEXT, socket.next().opcode(), "hello");
            socket.send(RawWebSocket.TEXT, "not masked".getBytes(StandardCharsets.UTF_8), false);
            RawWebSocket.Frame close = socket.next();
            assertEquals(RawWebSocket.CLOSE, close.opcode());
            assertEquals(1002, close.closeCode());
            assertTrue(socket.ended(), "the server closes its side after its close frame");
        }
        awaitTrue(() -> s.server.channels().streamCount() == 0, "the closed socket is let go");
    }

    @Test
    void a_handshake_of_another_version_is_refused_426_naming_version_13_and_a_bad_key_400() throws Exception {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        try (RawWebSocket oldVersion = RawWebSocket.open(s, "/ws", "8", RawWebSocket.KEY);
                RawWebSocket badKey = RawWebSocket.open(s, "/ws", "13", "c2hvcnQ=")) {
            assertEquals(426, oldVersion.status);
            assertEquals("13", oldVersion.headers.get("sec-websocket-version"));
            assertTrue(oldVersion.body.contains("version 13"), oldVersion.body);
            assertEquals(400, badKey.status);
            assertTrue(badKey.body.startsWith("Sec-WebSocket-Key must be"), badKey.body);
        }
        assertEquals(0, s.server.channels().streamCount());
    }

    @Test
    void every_socket_of_a_channel_gets_a_message_as_the_same_bytes_in_one_text_frame() throws Exception {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        try (RawWebSocket first = RawWebSocket.open(s, "/ws?last=0"); RawWebSocket second = RawWebSocket.open(s, "/ws?last=0")) {
            first.next();
            second.next();
            awaitTrue(() -> s.server.channels().streamCount() == 2, "both sockets streaming");
            Message published = s.publish("y".repeat(300));
            RawWebSocket.Frame frame = first.next();
            assertArrayEquals(frame.bytes(), second.next().bytes());
            assertEquals(0x81, frame.bytes()[0] & 0xFF, "a final text frame");
            assertEquals(126, frame.bytes()[1], "unmasked, its length in 16 bits");
            assertEquals(s.get("/since?id=" + published.id()).body(), "[" + new String(frame.payload(), StandardCharsets.UTF_8) + "]");
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_client_that_reads_too_slowly_is_disconnected_while_a_fast_one_gets_everything(Store store) {
        TestServer s = servers.configured(store, config -> config.maxQueuedBytes(16 * 1024));
        try (WebSocketClient slow = WebSocketClient.stalled(s, "/ws?last=0"); WebSocketClient fast = WebSocketClient.open(s, "/ws?last=0")) {
            fast.awaitFrames(1);
            awaitTrue(() -> s.server.channels().streamCount() == 2, "the slow socket never opened");
            String slowCounted = "nodecast_stream_disconnects_total{reason=\"slow\"} 1.0";
            String text = "x".repeat(1_900);
            List<Message> published = new ArrayList<>();
            // Publish until the slow client's socket buffers and its queue are full: a few hundred KB.
            while (!s.metric("nodecast_stream_disconnects_total{reason=\"slow\"}").equals(slowCounted)) {
                assertTrue(published.size() < 5_000, "5,000 messages of 1,900 bytes never filled the slow socket's queue");
                for (int i = 0; i < 20; i++) {
                    published.add(s.publish(text + published.size()));
                }
            }
            assertEquals(published, fast.awaitMessages(published.size()), "the fast socket missed nothing");
            assertEquals(-1, fast.closeCode());
            awaitTrue(() -> s.server.channels().streamCount() == 1, "only the fast socket is left");
        }
    }

    @Test
    void a_peer_that_answers_no_ping_is_let_go_after_two_keepalive_periods_and_one_that_answers_stays() throws Exception {
        TestServer s = servers.configured(Store.MEMORY, config -> config.keepalive(Duration.ofMillis(200)));
        try (WebSocketClient silent = WebSocketClient.stalled(s, "/ws"); WebSocketClient answering = WebSocketClient.open(s, "/ws")) {
            answering.awaitFrames(1);
            awaitTrue(() -> s.metric("nodecast_stream_disconnects_total{reason=\"client\"}").endsWith(" 1.0"),
                    "the silent peer was never let go");
            Thread.sleep(1_000); // five periods: the answering peer's pongs keep it
            s.publish("to the one that answers");
            answering.awaitMessages(1);
            assertEquals(-1, answering.closeCode());
            assertEquals(1, s.server.channels().streamCount());
        }
    }

    /** The text frame is for the page's script, which never sees pings; the ping, for the server to see the client answer. */
    @Test
    void a_quiet_socket_gets_a_keepalive_frame_and_a_ping_together_every_period_and_hello_says_the_period() throws Exception {
        TestServer s = servers.configured(Store.MEMORY, config -> config.keepalive(Duration.ofMillis(500)));
        try (RawWebSocket socket = RawWebSocket.open(s, "/ws")) {
            RawWebSocket.Frame hello = socket.next();
            assertTrue(RawWebSocket.text(hello).endsWith(",\"keepalive\":0.5}"), RawWebSocket.text(hello));
            for (int i = 0; i < 3; i++) {
                RawWebSocket.Frame keepalive = socket.next();
                assertEquals("{\"event\":\"keepalive\"}", RawWebSocket.text(keepalive));
                RawWebSocket.Frame ping = socket.next();
                assertEquals(RawWebSocket.PING, ping.opcode());
                socket.send(RawWebSocket.PONG, ping.payload(), true);
            }
        }
    }

    /** A browser's page learns nothing from a refused handshake: at capacity the socket opens, says when to come back, and closes 1013. */
    @Test
    void at_capacity_a_socket_is_told_when_to_come_back_and_closed_with_1013_holding_no_place() throws Exception {
        TestServer s = servers.configured(Store.MEMORY, config -> config.maxWaiters(1));
        try (WebSocketClient first = WebSocketClient.open(s, "/ws")) {
            first.awaitFrames(1);
            try (RawWebSocket busy = RawWebSocket.open(s, "/c/news/ws")) {
                assertEquals(101, busy.status);
                String told = RawWebSocket.text(busy.next());
                JsonObject json = com.google.gson.JsonParser.parseString(told).getAsJsonObject();
                assertEquals("busy", json.get("event").getAsString());
                int retry = json.get("retry").getAsInt();
                assertTrue(retry >= 1 && retry <= 5, told);
                RawWebSocket.Frame close = busy.next();
                assertEquals(1013, close.closeCode(), "Try Again Later");
                assertEquals("too many viewers here; try again in " + retry + " s", new String(close.payload(), 2, close.payload().length - 2,
                        StandardCharsets.UTF_8));
                assertTrue(busy.ended(), "the server closes its side after its close frame");
            }
            assertEquals(1, s.server.channels().viewerCount());
            assertEquals(503, s.get("/wait?id=0").statusCode());
            assertEquals("nodecast_viewers_turned_away_total{transport=\"ws\"} 1.0", s.metric("nodecast_viewers_turned_away_total{transport=\"ws\"}"));
            awaitTrue(() -> s.metric("nodecast_stream_queued_bytes ").endsWith(" 0.0"), "what the busy socket sent is still held");
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void stopping_the_server_closes_every_socket_with_1001_at_once(Store store) {
        TestServer s = TestServer.start(store == Store.REDIS ? servers.freshRedisUri() : null);
        List<WebSocketClient> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                sockets.add(WebSocketClient.open(s, "/c/ch-" + i % 2 + "/ws"));
            }
            sockets.forEach(socket -> socket.awaitFrames(1));
        } finally {
            long stopping = System.nanoTime();
            s.close();
            sockets.forEach(WebSocketClient::awaitEnd);
            Duration took = Duration.ofNanos(System.nanoTime() - stopping);
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "the sockets closed " + took + " after the stop began");
            for (WebSocketClient socket : sockets) {
                assertEquals(1001, socket.closeCode(), "going away, so the client reconnects elsewhere");
            }
        }
    }

    @Test
    void a_socket_resumed_on_another_instance_from_its_last_id_misses_nothing_and_repeats_nothing() {
        TestServer a = servers.started(TestServer.start(servers.freshRedisUri()));
        TestServer b = servers.started(TestServer.start(servers.redisUri()));
        List<Message> received = new ArrayList<>();
        List<Message> published = new ArrayList<>();
        try (WebSocketClient first = WebSocketClient.open(a, "/ws?id=0")) {
            for (int i = 0; i < 10; i++) {
                published.add(a.publish("before " + i));
            }
            received.addAll(first.awaitMessages(10));
        }
        for (int i = 0; i < 10; i++) {
            published.add(b.publish("between " + i));
        }
        long resumeAt = received.get(received.size() - 1).id() + 1;
        try (WebSocketClient second = WebSocketClient.open(b, "/ws?id=" + resumeAt + "&log=" + RedisLogTest.logOf(a))) {
            for (int i = 0; i < 10; i++) {
                published.add(a.publish("after " + i));
            }
            assertFalse(second.awaitFrames(1).get(0).toString().contains("reset"), "the same log on both instances");
            received.addAll(second.awaitMessages(20));
        }
        assertEquals(published, received);
    }

    /** 1005 means "no code" and must never be sent (RFC 6455, 7.4.1); a payload of 1 byte cannot hold a code. */
    @ParameterizedTest
    @ValueSource(strings = {"1005", "1 byte"})
    void a_close_with_code_1005_or_a_payload_of_1_byte_is_answered_1002_with_the_reason(String payload) throws Exception {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        try (RawWebSocket socket = RawWebSocket.open(s, "/ws")) {
            socket.next();
            socket.send(RawWebSocket.CLOSE, payload.equals("1005") ? new byte[] {0x03, (byte) 0xED} : new byte[] {0x03}, true);
            RawWebSocket.Frame close = socket.next();
            assertEquals(1002, close.closeCode());
            assertEquals(payload.equals("1005") ? "not a close code a peer may send: 1005"
                    : "a close frame holds nothing, or a 2-byte code and a reason: this one holds 1 byte", reason(close));
        }
    }

    @Test
    void a_close_without_a_code_is_answered_1000() throws Exception {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        try (RawWebSocket socket = RawWebSocket.open(s, "/ws")) {
            socket.next();
            socket.send(RawWebSocket.CLOSE, new byte[0], true);
            assertEquals(1000, socket.next().closeCode());
        }
    }

    private static String reason(RawWebSocket.Frame close) {
        return new String(close.payload(), 2, close.payload().length - 2, StandardCharsets.UTF_8);
    }

    /** Frames a client sends, as {@link RawWebSocket#frame} makes them: FIN, opcode, then the payload's bytes. */
    private static byte[] frames(Object... finOpcodeAndBytes) {
        java.io.ByteArrayOutputStream all = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < finOpcodeAndBytes.length; i += 2) {
            byte[] payload = (byte[]) finOpcodeAndBytes[i + 1];
            all.writeBytes(RawWebSocket.frame((Integer) finOpcodeAndBytes[i], payload.length, payload, true));
        }
        return all.toByteArray();
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    static Stream<Arguments> notUtf8() {
        int text = 0x80 | RawWebSocket.TEXT;
        int close = 0x80 | RawWebSocket.CLOSE;
        return Stream.of(
                Arguments.of("a byte that starts nothing", frames(text, bytes(0xC3, 0x28))),
                Arguments.of("a surrogate", frames(text, bytes(0xED, 0xA0, 0x80))),
                Arguments.of("an overlong form", frames(text, bytes(0xC0, 0x80))),
                Arguments.of("past U+10FFFF", frames(text, bytes(0xF4, 0x90, 0x80, 0x80))),
                Arguments.of("a message that ends inside a character", frames(text, bytes(0x61, 0xE2, 0x82))),
                Arguments.of("a character broken across two fragments", frames(RawWebSocket.TEXT, bytes(0xE2), 0x80, bytes(0x28))),
                Arguments.of("a close reason", frames(close, bytes(0x03, 0xE8, 0xFF))),
                Arguments.of("a close reason that ends inside a character", frames(close, bytes(0x03, 0xE8, 0xC3))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("notUtf8")
    void text_that_is_not_utf_8_closes_the_socket_with_1007(String what, byte[] sent) throws Exception {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        try (RawWebSocket socket = RawWebSocket.open(s, "/ws")) {
            socket.next();
            socket.sendRaw(sent);
            RawWebSocket.Frame close = socket.next();
            assertEquals(1007, close.closeCode(), what);
            assertTrue(reason(close).startsWith("a "), reason(close));
        }
        awaitTrue(() -> s.server.channels().streamCount() == 0, "the closed socket is let go");
    }

    /** The counterparts: a character may be split across fragments, a ping between them, and a binary message holds any bytes. */
    @Test
    void utf_8_split_across_fragments_and_binary_bytes_are_taken() throws Exception {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        try (RawWebSocket socket = RawWebSocket.open(s, "/ws")) {
            socket.next();
            socket.sendRaw(frames(RawWebSocket.TEXT, bytes(0x61, 0xE2), 0x80 | RawWebSocket.PING, bytes(), 0x80, bytes(0x82, 0xAC),
                    0x80 | 0x2, bytes(0xFF, 0xC0, 0x80)));
            assertEquals(RawWebSocket.PONG, socket.next().opcode());
            Message published = s.publish("still open");
            assertEquals(published, socket.nextMessage());
        }
    }

    @Test
    void a_handshake_that_breaks_http_or_rfc_6455_is_refused_400_with_the_reason() {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        String upgrade = "Upgrade: websocket\r\nSec-WebSocket-Key: " + RawWebSocket.KEY + "\r\nSec-WebSocket-Version: 13\r\n";
        Map<String, String> refusals = Map.of(
                "GET /ws HTTP/1.0\r\nHost: x\r\nConnection: Upgrade\r\n" + upgrade, "a WebSocket handshake must be HTTP/1.1",
                "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n" + upgrade, "a WebSocket handshake must send Connection: Upgrade",
                "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n" + upgrade + "Sec-WebSocket-Key: " + RawWebSocket.KEY + "\r\n",
                "Sec-WebSocket-Key is given more than once",
                "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n" + upgrade + "Sec-WebSocket-Version: 13\r\n",
                "Sec-WebSocket-Version is given more than once");
        refusals.forEach((head, reason) -> {
            try (RawWebSocket refused = RawWebSocket.request(s, head + "\r\n")) {
                assertEquals(400, refused.status, head);
                assertEquals(reason + "\n", refused.body);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try (RawWebSocket taken = RawWebSocket.request(s, "GET /ws HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\n" + upgrade + "\r\n")) {
            assertEquals(101, taken.status, "Connection may name other tokens beside Upgrade, as Firefox sends it");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
