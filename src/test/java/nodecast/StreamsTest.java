package nodecast;

import static nodecast.RedisLogTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import nodecast.EventStreamClient.Event;
import nodecast.log.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Server-Sent Events ({@code /events}) over real HTTP, on the in-memory log and on a real Redis. */
class StreamsTest {
    @RegisterExtension
    private static final StoreServers servers = new StoreServers();

    private static TestServer start(Store store) {
        return servers.start(store, TestServer.WAIT_TIMEOUT);
    }

    private static List<Long> ids(List<Message> messages) {
        return messages.stream().map(Message::id).toList();
    }

    private static List<String> types(List<Event> events) {
        return events.stream().map(Event::type).toList();
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_stream_says_hello_then_sends_each_message_as_long_poll_encodes_it_then_each_new_one(Store store) {
        TestServer s = start(store);
        s.publish("zero");
        s.publish("one <b>&amp;</b>\nsecond line ✓");
        try (EventStreamClient stream = EventStreamClient.open(s, "/events")) {
            assertEquals(200, stream.status());
            assertEquals("text/event-stream; charset=utf-8", stream.header("Content-Type"));
            assertEquals("no-store", stream.header("Cache-Control"));
            assertEquals("no", stream.header("X-Accel-Buffering"));
            List<Event> events = stream.awaitEvents(3);
            assertEquals(List.of("hello", "message", "message"), types(events));
            assertEquals(RedisLogTest.logOf(s), events.get(0).json().get("log").getAsString());
            assertEquals(0, events.get(0).json().get("next").getAsLong());
            assertTrue(events.get(0).data().endsWith(",\"keepalive\":15}"), "the keepalive period in whole seconds: " + events.get(0).data());
            String log = RedisLogTest.logOf(s);
            assertEquals(log + "-0", events.get(0).id(), "where to resume: the log, and the next id");
            assertEquals(log + "-1", events.get(1).id());
            assertEquals(log + "-2", events.get(2).id());
            assertEquals(s.get("/since?id=0").body(), "[" + events.get(1).data() + "," + events.get(2).data() + "]",
                    "each message's data is its JSON exactly as long-poll sends it");

            Message live = s.publish("two");
            assertEquals(live, stream.awaitMessages(3).get(2));
            assertEquals(log + "-3", stream.events().get(3).id());
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void last_starts_a_stream_with_the_newest_messages_and_last_0_with_the_next_one(Store store) {
        TestServer s = start(store);
        for (int i = 0; i < 5; i++) {
            s.publish("news", "news " + i);
        }
        // On Redis the channel is taken up by the stream, which waits for its first sync.
        try (EventStreamClient newest = EventStreamClient.open(s, "/c/news/events?last=2");
                EventStreamClient fromNow = EventStreamClient.open(s, "/c/news/events?last=0")) {
            assertEquals(List.of(3L, 4L), ids(newest.awaitMessages(2)));
            assertEquals(3, newest.events().get(0).json().get("next").getAsLong());
            assertEquals(5, fromNow.awaitEvents(1).get(0).json().get("next").getAsLong(), "hello names the next id");

            Message next = s.publish("news", "news 5");
            assertEquals(List.of(next), fromNow.awaitMessages(1));
            assertEquals(List.of(3L, 4L, 5L), ids(newest.awaitMessages(3)));
        }
    }

    /** As this server sends it, log and next id, or as servers before it sent it, the last message's id alone (in the log &log= names). */
    @ParameterizedTest
    @EnumSource(Store.class)
    void last_event_id_resumes_where_it_says_in_either_form_and_wins_over_id_last_and_log(Store store) {
        TestServer s = start(store);
        for (int i = 0; i < 4; i++) {
            s.publish("m" + i);
        }
        String log = RedisLogTest.logOf(s);
        try (EventStreamClient overId = EventStreamClient.open(s, "/events?id=0", "Last-Event-ID", "1");
                EventStreamClient overLast = EventStreamClient.open(s, "/events?last=0", "Last-Event-ID", "2");
                EventStreamClient fromQuery = EventStreamClient.open(s, "/events?id=3");
                EventStreamClient withLog = EventStreamClient.open(s, "/events?last=0&log=gone", "Last-Event-ID", log + "-2");
                EventStreamClient oldWithLog = EventStreamClient.open(s, "/events?id=0&log=" + log, "Last-Event-ID", "2")) {
            assertEquals(List.of(2L, 3L), ids(overId.awaitMessages(2)));
            assertEquals(2, overId.events().get(0).json().get("next").getAsLong());
            assertEquals(List.of(3L), ids(overLast.awaitMessages(1)));
            assertEquals(List.of(3L), ids(fromQuery.awaitMessages(1)));
            assertEquals(List.of("hello", "message", "message"), types(withLog.awaitEvents(3)), "its own log: no reset");
            assertEquals(List.of(2L, 3L), ids(withLog.messages()));
            assertEquals(List.of("hello", "message"), types(oldWithLog.awaitEvents(2)));
            assertEquals(List.of(3L), ids(oldWithLog.messages()));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_stream_asking_for_an_id_not_published_yet_starts_there(Store store) {
        TestServer s = start(store);
        s.publish("m0");
        try (EventStreamClient stream = EventStreamClient.open(s, "/events?id=3")) {
            assertEquals(3, stream.awaitEvents(1).get(0).json().get("next").getAsLong());
            s.publish("m1");
            s.publish("m2");
            Message three = s.publish("m3");
            assertEquals(List.of(three), stream.awaitMessages(1));
            assertEquals(List.of("hello", "message"), types(stream.events()), "no gap: nothing asked for was lost");
        }
    }

    @Test
    void a_bad_start_is_refused_with_400_and_the_reason() {
        TestServer s = start(Store.MEMORY);
        Map<String, String> refusals = Map.of(
                "/events?id=-1", "id must not be negative",
                "/c/news/events?last=1001", "last must be a whole number from 0 to 1000",
                "/events?id=1&last=1", "give id or last, not both: id starts at a message, last at the newest ones",
                "/events?log=a&log=b", "log is given more than once",
                "/c/a%2Fb/events", "a channel name is 1 to 64 characters of A-Z a-z 0-9 . _ ~ -, and not . or ..");
        refusals.forEach((path, reason) -> assertRefused(s.send(HttpRequest.newBuilder(s.uri(path)).header("Accept", "application/json")), 400, reason));
        for (String bad : List.of("abc", "-3", "a-log-", "a-log-x", "a-log-9007199254740992", "-")) {
            assertRefused(s.send(HttpRequest.newBuilder(s.uri("/events?id=0")).header("Accept", "application/json").header("Last-Event-ID", bad)),
                    400, "Last-Event-ID must be <log>-<next id>, as this server sends it in id:, or a message id from 0 to 9007199254740991");
        }
        assertRefused(s.send(HttpRequest.newBuilder(s.uri("/events")).header("Accept", "application/json")
                .header("Last-Event-ID", "1").header("Last-Event-ID", "2")), 400, "the Last-Event-ID header is given more than once");
        assertRefused(s.send(HttpRequest.newBuilder(s.uri("/events")).header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody())), 405, "use GET for /events");
        assertEquals(0, s.server.channels().streamCount());
    }

    private static void assertRefused(HttpResponse<String> answer, int status, String reason) {
        assertEquals(status, answer.statusCode(), answer.body());
        assertEquals(reason, JsonParser.parseString(answer.body()).getAsJsonObject().get("error").getAsString());
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void ids_trimmed_or_cleared_are_told_as_a_gap_before_the_first_message(Store store) {
        TestServer s = servers.configured(store, config -> config.maxMessages(3));
        for (int i = 0; i < 5; i++) {
            s.publish("m" + i);
        }
        try (EventStreamClient trimmed = EventStreamClient.open(s, "/events?id=0");
                EventStreamClient kept = EventStreamClient.open(s, "/events?id=3")) {
            List<Event> events = trimmed.awaitEvents(5);
            assertEquals(List.of("hello", "gap", "message", "message", "message"), types(events));
            assertEquals(2, events.get(0).json().get("next").getAsLong());
            assertEquals(0, events.get(1).json().get("from").getAsLong());
            assertEquals(2, events.get(1).json().get("next").getAsLong());
            assertEquals(List.of(2L, 3L, 4L), ids(trimmed.messages()));
            assertEquals(List.of("hello", "message", "message"), types(kept.awaitEvents(3)), "nothing asked for was trimmed");
        }
        assertEquals(200, s.postJson("/clear-messages", "").statusCode());
        s.publish("after the clear");
        try (EventStreamClient cleared = EventStreamClient.open(s, "/events?id=1")) {
            List<Event> events = cleared.awaitEvents(3);
            assertEquals(List.of("hello", "gap", "message"), types(events));
            assertEquals(1, events.get(1).json().get("from").getAsLong());
            assertEquals(5, events.get(1).json().get("next").getAsLong());
            assertEquals(RedisLogTest.logOf(s) + "-6", events.get(2).id());
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_clear_is_told_to_every_stream_and_ids_carry_on(Store store) {
        TestServer s = start(store);
        s.publish("a");
        s.publish("b");
        try (EventStreamClient stream = EventStreamClient.open(s, "/events")) {
            stream.awaitMessages(2);
            assertEquals(200, s.postJson("/clear-messages", "").statusCode());
            Message next = s.publish("c");
            List<Event> events = stream.awaitEvents(5);
            assertEquals(List.of("hello", "message", "message", "clear", "message"), types(events));
            assertEquals(2, events.get(3).json().get("next").getAsLong());
            assertEquals(next, events.get(4).message());
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_stream_naming_a_log_that_is_gone_is_reset_and_starts_again_from_0(Store store) {
        TestServer s = start(store);
        for (int i = 0; i < 3; i++) {
            s.publish("m" + i);
        }
        String current = RedisLogTest.logOf(s);
        try (EventStreamClient stream = EventStreamClient.open(s, "/events?log=a-log-gone-since", "Last-Event-ID", "57")) {
            List<Event> events = stream.awaitEvents(5);
            assertEquals(List.of("hello", "reset", "message", "message", "message"), types(events));
            assertEquals(current, events.get(0).json().get("log").getAsString());
            assertEquals(0, events.get(0).json().get("next").getAsLong());
            assertEquals(current, events.get(1).json().get("log").getAsString());
            assertEquals(List.of(0L, 1L, 2L), ids(stream.messages()));
        }
    }

    @Test
    void a_log_replaced_while_streaming_is_told_as_a_reset_then_the_new_log_from_0() {
        TestServer s = start(Store.REDIS);
        s.publish("old 0");
        s.publish("old 1");
        String before = RedisLogTest.logOf(s);
        try (EventStreamClient stream = EventStreamClient.open(s, "/events")) {
            stream.awaitMessages(2);
            servers.freshRedisUri(); // Redis loses its data: the next publish starts a new log
            Message first = s.publish("new 0");
            List<Event> events = stream.awaitEvents(5);
            assertEquals(List.of("hello", "message", "message", "reset", "message"), types(events));
            String after = events.get(3).json().get("log").getAsString();
            assertNotEquals(before, after);
            assertEquals(RedisLogTest.logOf(s), after);
            assertEquals(0, first.id());
            assertEquals(first, events.get(4).message());
        }
    }

    /**
     * Streams opened before any publish and while publishers run, on several channels: each gets
     * exactly its channel's messages, in id order, each once, whether it was live from the start
     * or caught up from id 0 while messages arrived.
     */
    @ParameterizedTest
    @EnumSource(Store.class)
    void hundreds_of_streams_across_channels_get_every_message_of_their_channel_once_in_order(Store store) throws Exception {
        TestServer s = start(store);
        int channels = 4;
        int perChannel = 60;
        int publishers = 4;
        int early = 150;
        int late = 50;
        List<EventStreamClient> streams = new ArrayList<>();
        List<String> channelOf = new ArrayList<>();
        ExecutorService publishing = Executors.newFixedThreadPool(publishers);
        try {
            for (int i = 0; i < early; i++) {
                channelOf.add("ch-" + i % channels);
                streams.add(EventStreamClient.open(s, "/c/ch-" + i % channels + "/events" + (i % 2 == 0 ? "?id=0" : "?last=0")));
            }
            for (EventStreamClient stream : streams) {
                stream.awaitEvents(1);
            }
            Map<String, ConcurrentLinkedQueue<Message>> published = new ConcurrentHashMap<>();
            List<Future<?>> done = new ArrayList<>();
            for (int p = 0; p < publishers; p++) {
                int publisher = p;
                done.add(publishing.submit(() -> {
                    for (int round = 0; round < perChannel / publishers; round++) {
                        for (int c = 0; c < channels; c++) {
                            String channel = "ch-" + c;
                            published.computeIfAbsent(channel, k -> new ConcurrentLinkedQueue<>())
                                    .add(s.publish(channel, channel + " from " + publisher + " round " + round));
                        }
                    }
                    return null;
                }));
            }
            for (int i = 0; i < late; i++) {
                channelOf.add("ch-" + i % channels);
                streams.add(EventStreamClient.open(s, "/c/ch-" + i % channels + "/events?id=0"));
            }
            for (Future<?> publisher : done) {
                publisher.get(60, TimeUnit.SECONDS);
            }
            for (int i = 0; i < streams.size(); i++) {
                List<Message> expected = published.get(channelOf.get(i)).stream().sorted(Comparator.comparingLong(Message::id)).toList();
                assertEquals(LongStream.range(0, perChannel).boxed().toList(), ids(expected));
                EventStreamClient stream = streams.get(i);
                assertEquals(expected, stream.awaitMessages(perChannel), "stream " + i + " on " + channelOf.get(i));
                assertEquals(perChannel + 1, stream.events().size(), "stream " + i + ": hello and the messages, nothing else");
            }
            assertEquals(streams.size(), s.server.channels().streamCount());
        } finally {
            publishing.shutdownNow();
            streams.forEach(EventStreamClient::close);
        }
        awaitTrue(() -> s.server.channels().streamCount() == 0, "streams closed by their clients were not let go");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_stream_whose_client_reads_too_slowly_is_disconnected_while_a_fast_one_gets_everything(Store store) throws Exception {
        TestServer s = servers.configured(store, config -> config.maxQueuedBytes(16 * 1024));
        try (Socket slow = new Socket(); EventStreamClient fast = EventStreamClient.open(s, "/events?last=0")) {
            slow.setReceiveBufferSize(4 * 1024); // before connecting, so the window stays small
            slow.connect(new InetSocketAddress("127.0.0.1", s.port()));
            slow.getOutputStream().write("GET /events?last=0 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            awaitTrue(() -> s.server.channels().streamCount() == 2, "the slow stream never opened");

            String slowCounted = "nodecast_stream_disconnects_total{reason=\"slow\"} 1.0";
            String text = "x".repeat(1_900);
            List<Message> published = new ArrayList<>();
            // Publish until the slow client's socket buffers and its queue are full: a few hundred KB.
            while (!s.metric("nodecast_stream_disconnects_total{reason=\"slow\"}").equals(slowCounted)) {
                assertTrue(published.size() < 5_000, "5,000 messages of 1,900 bytes never filled the slow stream's queue");
                for (int i = 0; i < 20; i++) {
                    published.add(s.publish(text + published.size()));
                }
            }
            assertEquals(published, fast.awaitMessages(published.size()), "the fast stream missed nothing");
            assertFalse(fast.ended());
            assertEquals(1, s.server.channels().streamCount(), "only the fast stream is left");
            assertEquals("nodecast_streams 1.0", s.metric("nodecast_streams "));
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void streams_whose_clients_leave_are_let_go_at_once(Store store) throws Exception {
        TestServer s = start(store);
        int clients = 20;
        List<Socket> sockets = new ArrayList<>();
        try (EventStreamClient browserTab = EventStreamClient.open(s, "/c/news/events")) {
            browserTab.awaitEvents(1);
            for (int i = 0; i < clients; i++) {
                Socket socket = new Socket("127.0.0.1", s.port());
                sockets.add(socket);
                socket.getOutputStream().write("GET /c/news/events HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            awaitTrue(() -> s.server.channels().streamCount() == clients + 1, "the streams never opened");
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
        awaitTrue(() -> s.server.channels().streamCount() == 0, "streams whose clients left are still held");
        assertEquals(0, s.server.channels().broadcaster(new nodecast.log.ChannelName("news")).followerCount());
        assertEquals("nodecast_streams 0.0", s.metric("nodecast_streams "));
        assertEquals("nodecast_stream_disconnects_total{reason=\"client\"} " + (clients + 1) + ".0",
                s.metric("nodecast_stream_disconnects_total{reason=\"client\"}"));
        s.publish("news", "to no one"); // nothing is left to push to
    }

    /**
     * An EventSource stops for good at any answer but 200: at capacity it gets a 200 stream that
     * says when to come back (retry:, which it obeys by itself, and a busy event for a page's
     * script) and ends, its connection with it. It holds no viewer's place.
     */
    /** As nc -N does after its request: a client that shuts down its sending side still reads, over HTTP/1.1 and 1.0 alike. */
    @Test
    void a_client_that_half_closes_after_its_request_goes_on_getting_the_stream() throws Exception {
        TestServer s = start(Store.MEMORY);
        try (RawEventStream http11 = RawEventStream.request(s, RawEventStream.get("/events?last=0"));
                RawEventStream http10 = RawEventStream.request(s, "GET /events?last=0 HTTP/1.0\r\n\r\n")) {
            for (RawEventStream stream : List.of(http11, http10)) {
                assertEquals("hello", stream.next().type());
                stream.halfClose();
            }
            Thread.sleep(200); // the server has read both ends of input meanwhile
            Message message = s.publish("to the half-closed");
            assertEquals(message, http11.nextMessage());
            assertEquals(message, http10.nextMessage());
            assertEquals(2, s.server.channels().streamCount());
        }
    }

    /** It closed after reading everything (a FIN, which may be a half-close): the keepalive sent then draws a reset, which the next write finds. */
    @Test
    void a_stream_whose_client_closes_is_let_go_by_the_next_keepalive_at_the_latest() throws Exception {
        TestServer s = servers.configured(Store.MEMORY, config -> config.keepalive(Duration.ofMillis(200)));
        try (RawEventStream stream = RawEventStream.request(s, RawEventStream.get("/events"))) {
            assertEquals("hello", stream.next().type());
        }
        awaitTrue(() -> s.server.channels().streamCount() == 0, "the stream of a client that closed is still held");
        assertEquals("nodecast_stream_disconnects_total{reason=\"client\"} 1.0", s.metric("nodecast_stream_disconnects_total{reason=\"client\"}"));
    }

    /**
     * A byte after a stream's request (read with it, or later) used to keep one of Undertow's
     * pooled 16 KB direct buffers for the stream's whole life: 100 streams would hold 100 more.
     * Read with the request, it also made Undertow hold the whole stream back, as the answer to a
     * request pipelined before another.
     */
    @Test
    void bytes_sent_after_a_stream_request_keep_no_pooled_buffer() throws Exception {
        TestServer s = start(Store.MEMORY);
        java.lang.management.BufferPoolMXBean direct = java.lang.management.ManagementFactory
                .getPlatformMXBeans(java.lang.management.BufferPoolMXBean.class).stream()
                .filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
        List<Socket> sockets = new ArrayList<>();
        try (EventStreamClient probe = EventStreamClient.open(s, "/events?last=0")) {
            probe.awaitEvents(1);
            long before = direct.getCount();
            for (int i = 0; i < 100; i++) {
                Socket socket = new Socket("127.0.0.1", s.port());
                sockets.add(socket);
                // Half of them in the request's own packet, half once the stream has started.
                socket.getOutputStream().write(("GET /events?last=0 HTTP/1.1\r\nHost: x\r\n\r\n" + (i % 2 == 0 ? "x" : ""))
                        .getBytes(StandardCharsets.ISO_8859_1));
            }
            awaitTrue(() -> s.server.channels().streamCount() == 101, "the streams never opened");
            for (int i = 1; i < sockets.size(); i += 2) {
                sockets.get(i).getOutputStream().write('y');
            }
            Message message = s.publish("to every stream");
            byte[] buffer = new byte[4_096];
            for (Socket socket : sockets) {
                socket.setSoTimeout(5_000);
                StringBuilder received = new StringBuilder();
                while (received.indexOf("to every stream") < 0) {
                    int read = socket.getInputStream().read(buffer);
                    assertTrue(read > 0, "the stream ended: " + received);
                    received.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                }
            }
            assertEquals(message, probe.awaitMessages(1).get(0));
            long grown = direct.getCount() - before;
            assertTrue(grown < 50, grown + " more direct buffers for 100 streams that were sent a byte after their request");
        } finally {
            for (Socket socket : sockets) {
                socket.close();
            }
        }
    }

    @Test
    void at_capacity_a_stream_is_told_when_to_come_back_and_ends_holding_no_place() throws Exception {
        TestServer s = servers.configured(Store.MEMORY, config -> config.maxWaiters(2));
        try (EventStreamClient first = EventStreamClient.open(s, "/events")) {
            first.awaitEvents(1);
            java.util.concurrent.CompletableFuture<HttpResponse<String>> parked = java.util.concurrent.CompletableFuture.supplyAsync(
                    () -> s.get("/c/other/wait?id=0"));
            awaitTrue(() -> s.server.channels().viewerCount() == 2, "the wait never parked");
            try (RawEventStream busy = RawEventStream.request(s, RawEventStream.get("/c/news/events?last=0"))) {
                assertEquals(200, busy.status);
                assertEquals("text/event-stream; charset=utf-8", busy.headers.get("content-type"));
                assertEquals("close", busy.headers.get("connection"), "nothing is held once it is answered");
                Event told = busy.next();
                assertEquals("busy", told.type());
                long retry = told.json().get("retry").getAsLong();
                assertTrue(retry >= 1 && retry <= 5, told.data());
                assertEquals(retry * 1_000, busy.retry(), "retry: in milliseconds, the same figure");
                assertEquals("", busy.lastEventId(), "no id: the client keeps the one it had");
                assertNull(busy.next(), "the answer ends there");
            }
            assertEquals(2, s.server.channels().viewerCount());
            HttpResponse<String> refused = s.send(HttpRequest.newBuilder(s.uri("/wait?id=0")).header("Accept", "application/json"));
            assertRefused(refused, 503, "too many viewers are waiting on this server; try again shortly");
            int retryAfter = Integer.parseInt(refused.headers().firstValue("Retry-After").orElse("0"));
            assertTrue(retryAfter >= 1 && retryAfter <= 5, "a wait counts the stream too; Retry-After: " + retryAfter);
            assertEquals("nodecast_viewers_turned_away_total{transport=\"sse\"} 1.0", s.metric("nodecast_viewers_turned_away_total{transport=\"sse\"}"));
            assertEquals("nodecast_viewers_turned_away_total{transport=\"poll\"} 1.0", s.metric("nodecast_viewers_turned_away_total{transport=\"poll\"}"));
            s.publish("for the stream");
            first.awaitMessages(1);
            assertEquals(200, parked.join().statusCode());
        }
    }

    /** Thousands turned away in the same second must not all come back in the same second. */
    @Test
    void viewers_turned_away_are_told_to_come_back_after_1_to_5_seconds_spread_at_random() throws Exception {
        TestServer s = servers.configured(Store.MEMORY, config -> config.maxWaiters(1));
        try (EventStreamClient first = EventStreamClient.open(s, "/events")) {
            first.awaitEvents(1);
            java.util.Set<Long> told = new java.util.TreeSet<>();
            for (int i = 0; i < 40; i++) {
                try (RawEventStream busy = RawEventStream.request(s, RawEventStream.get("/events"))) {
                    told.add(busy.next().json().get("retry").getAsLong());
                }
                told.add(Long.parseLong(s.get("/wait").headers().firstValue("Retry-After").orElseThrow()));
            }
            assertTrue(told.size() > 1 && told.stream().allMatch(retry -> retry >= 1 && retry <= 5), told.toString());
        }
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void stopping_the_server_ends_every_stream_at_once(Store store) {
        TestServer s = TestServer.start(store == Store.REDIS ? servers.freshRedisUri() : null);
        List<EventStreamClient> streams = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                streams.add(EventStreamClient.open(s, "/c/ch-" + i % 2 + "/events"));
            }
            streams.forEach(stream -> stream.awaitEvents(1));
        } finally {
            long stopping = System.nanoTime();
            s.close();
            streams.forEach(EventStreamClient::awaitEnd);
            Duration took = Duration.ofNanos(System.nanoTime() - stopping);
            assertTrue(took.compareTo(Duration.ofSeconds(3)) < 0, "the streams ended " + took + " after the stop began");
        }
    }

    @Test
    void a_stream_resumed_on_another_instance_with_its_last_event_id_misses_nothing_and_repeats_nothing() throws Exception {
        TestServer a = TestServer.start(servers.freshRedisUri());
        TestServer b = servers.started(TestServer.start(servers.redisUri()));
        int total = 150;
        List<Message> received = new ArrayList<>();
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        try {
            Future<List<Message>> published = publisher.submit(() -> {
                List<Message> sent = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    sent.add(b.publish("message " + i));
                    Thread.sleep(i % 10 == 0 ? 5 : 0);
                }
                return sent;
            });
            String lastId;
            try (EventStreamClient onA = EventStreamClient.open(a, "/events?id=0")) {
                onA.awaitMessages(30);
                a.close(); // while the publisher goes on
                onA.awaitEnd();
                received.addAll(onA.messages());
                List<Event> seen = onA.events();
                lastId = seen.get(seen.size() - 1).id(); // what an EventSource sends back
            } finally {
                a.close();
            }
            try (EventStreamClient onB = EventStreamClient.open(b, "/events?id=0", "Last-Event-ID", lastId)) {
                received.addAll(onB.awaitMessages(total - received.size()));
            }
            assertEquals(published.get(60, TimeUnit.SECONDS), received, "every message once, in order, across the two instances");
        } finally {
            publisher.shutdownNow();
        }
    }

    /**
     * Every subscription to Redis dropped every 50 ms while two instances publish: each drop makes
     * the broadcaster read the log afresh and every live stream pull again from where it is, so
     * what was published during the drop reaches it once, in order, with no gap or reset.
     */
    @Test
    void streams_live_through_resyncs_again_and_again_lose_nothing_and_repeat_nothing() throws Exception {
        TestServer a = start(Store.REDIS);
        TestServer b = servers.started(TestServer.start(servers.redisUri()));
        int perPublisher = 150;
        List<EventStreamClient> streams = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int i = 0; i < 10; i++) {
                streams.add(EventStreamClient.open(i % 2 == 0 ? a : b, "/events"));
            }
            streams.forEach(stream -> stream.awaitEvents(1));
            ConcurrentLinkedQueue<Message> published = new ConcurrentLinkedQueue<>();
            List<Future<?>> publishers = new ArrayList<>();
            for (TestServer on : List.of(a, b)) {
                publishers.add(pool.submit(() -> {
                    for (int i = 0; i < perPublisher; i++) {
                        published.add(on.publish("message " + i + " on " + on.port()));
                    }
                    return null;
                }));
            }
            Future<?> killer = pool.submit(() -> {
                while (publishers.stream().anyMatch(p -> !p.isDone())) {
                    servers.redis().command("CLIENT KILL TYPE pubsub");
                    Thread.sleep(50);
                }
                return null;
            });
            for (Future<?> publisher : publishers) {
                publisher.get(60, TimeUnit.SECONDS);
            }
            killer.get(10, TimeUnit.SECONDS);
            List<Message> expected = published.stream().sorted(Comparator.comparingLong(Message::id)).toList();
            assertEquals(LongStream.range(0, 2 * perPublisher).boxed().toList(), ids(expected));
            for (EventStreamClient stream : streams) {
                assertEquals(expected, stream.awaitMessages(expected.size()));
                assertEquals(expected.size() + 1, stream.events().size(), "hello and the messages, nothing else");
            }
        } finally {
            pool.shutdownNow();
            streams.forEach(EventStreamClient::close);
        }
    }

    /** A named event with data, so that a page's EventSource sees it (it never sees a comment, nor an event without data). */
    @Test
    void a_quiet_stream_gets_a_keepalive_event_every_period_and_hello_says_the_period() throws Exception {
        TestServer s = servers.configured(Store.MEMORY, config -> config.keepalive(Duration.ofMillis(100)));
        try (EventStreamClient stream = EventStreamClient.open(s, "/events");
                RawEventStream raw = RawEventStream.request(s, RawEventStream.get("/events"))) {
            stream.await(c -> c.keepalives() >= 3, "three keepalive events");
            assertEquals(List.of("hello"), types(stream.events()), "nothing else");
            assertEquals(0.1, stream.events().get(0).json().get("keepalive").getAsDouble(), "hello says the period, in seconds");
            assertEquals("hello", raw.next().type());
            for (int i = 0; i < 3; i++) {
                Event keepalive = raw.next();
                assertEquals("keepalive", keepalive.type());
                assertEquals("{}", keepalive.data());
            }
            assertEquals(0, raw.comments());
        }
    }
}
