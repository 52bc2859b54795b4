package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import nodecast.EventStreamClient.Event;
import nodecast.log.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Streams cut off resume where they were: on another instance when theirs stops, on both streaming
 * transports; an EventSource from its Last-Event-ID alone (it cannot change its URL), on a log
 * that was reset and after a cut before its first message; and after a reset every transport
 * leaves its client on the new log from 0.
 */
class StreamResumeTest {
    @RegisterExtension
    private static final StoreServers servers = new StoreServers();

    /** The two streaming transports: how a viewer opens each, and resumes as its clients do. */
    enum Transport {
        /** As an EventSource: the same URL, and the id of the last event as Last-Event-ID. */
        SSE {
            @Override
            StreamViewer open(TestServer server) {
                return EventStreamClient.open(server, "/c/news/events?id=0");
            }

            @Override
            StreamViewer resume(TestServer server, StreamViewer cut) {
                List<Event> events = ((EventStreamClient) cut).events();
                return EventStreamClient.open(server, "/c/news/events?id=0", "Last-Event-ID", events.get(events.size() - 1).id());
            }
        },
        /** As the page: the last id + 1. */
        WEB_SOCKET {
            @Override
            StreamViewer open(TestServer server) {
                return WebSocketClient.open(server, "/c/news/ws?id=0");
            }

            @Override
            StreamViewer resume(TestServer server, StreamViewer cut) {
                List<Message> seen = cut.messages();
                return WebSocketClient.open(server, "/c/news/ws?id=" + (seen.get(seen.size() - 1).id() + 1));
            }
        };

        abstract StreamViewer open(TestServer server);

        abstract StreamViewer resume(TestServer server, StreamViewer cut);
    }

    @ParameterizedTest
    @EnumSource(Transport.class)
    void viewers_of_an_instance_that_stops_resume_on_another_from_their_last_id_and_miss_nothing_nor_see_anything_twice(Transport transport)
            throws Exception {
        TestServer stopping = TestServer.start(servers.freshRedisUri());
        TestServer staying = servers.started(TestServer.start(servers.redisUri()));
        int total = 60;
        List<StreamViewer> first = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            first.add(transport.open(stopping));
        }
        ExecutorService publisher = Executors.newSingleThreadExecutor();
        List<StreamViewer> second = new ArrayList<>();
        try {
            Future<List<Message>> published = publisher.submit(() -> {
                List<Message> messages = new ArrayList<>();
                for (int i = 0; i < total; i++) {
                    messages.add(staying.publish("news", "message " + i));
                    Thread.sleep(20);
                }
                return messages;
            });
            first.forEach(viewer -> viewer.awaitMessages(20));
            stopping.close(); // mid-run: its viewers' streams end, and publishing goes on
            for (StreamViewer viewer : first) {
                viewer.awaitEnd();
                second.add(transport.resume(staying, viewer));
            }
            assertTrue(first.stream().allMatch(viewer -> viewer.messages().size() < total), "the stop came mid-run");
            List<Message> all = published.get();
            for (int i = 0; i < first.size(); i++) {
                List<Message> before = first.get(i).messages();
                List<Message> received = new ArrayList<>(before);
                received.addAll(second.get(i).awaitMessages(total - before.size()));
                assertEquals(all, received, "viewer " + i + ": every message once, in order, across the stop");
            }
        } finally {
            publisher.shutdownNow();
            first.forEach(StreamViewer::close);
            second.forEach(StreamViewer::close);
        }
    }

    /** An in-memory server stopped and started again on its port: a new log, so the ids a client holds mean nothing. */
    @Test
    void an_event_source_resuming_on_a_restarted_server_is_told_reset_and_gets_the_new_log_from_0() throws Exception {
        int port = Ports.free();
        String lastEventId;
        try (TestServer first = onPort(port); RawEventStream stream = RawEventStream.request(first, RawEventStream.get("/events?last=0"))) {
            assertEquals("hello", stream.next().type());
            for (int i = 0; i < 3; i++) {
                assertEquals(first.publish("old " + i), stream.nextMessage());
            }
            lastEventId = stream.lastEventId();
        }
        TestServer restarted = servers.started(onPort(port));
        List<Message> published = List.of(restarted.publish("new 0"), restarted.publish("new 1"));
        try (RawEventStream resumed = RawEventStream.request(restarted, RawEventStream.get("/events?last=0", "Last-Event-ID", lastEventId))) {
            assertEquals(List.of("hello", "reset"), List.of(resumed.next().type(), resumed.next().type()));
            assertEquals(RedisLogTest.logOf(restarted) + "-0", resumed.lastEventId(), "reset says where to resume in the new log");
            assertEquals(published, List.of(resumed.nextMessage(), resumed.nextMessage()));
        }
    }

    /** The URL still says last=0, "from now on": hello's id says where now was. */
    @Test
    void an_event_source_started_with_last_and_cut_before_its_first_message_resumes_where_it_was() throws Exception {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        s.publish("before it came");
        String helloId;
        try (RawEventStream stream = RawEventStream.request(s, RawEventStream.get("/events?last=0"))) {
            assertEquals("hello", stream.next().type());
            helloId = stream.lastEventId();
        }
        Message meanwhile = s.publish("published while it was away");
        try (RawEventStream resumed = RawEventStream.request(s, RawEventStream.get("/events?last=0", "Last-Event-ID", helloId))) {
            assertEquals(meanwhile, resumed.nextMessage());
        }
    }

    /** How a client follows the broadcast on each transport, and resumes holding id 3 of log {@code log}: what it holds afterwards. */
    enum Follower {
        LONG_POLL {
            @Override
            Held resume(TestServer server, String log) {
                HttpResponse<String> gone = server.get("/wait?id=3&log=" + log);
                assertEquals(409, gone.statusCode());
                String current = JsonParser.parseString(gone.body()).getAsJsonObject().get("log").getAsString();
                HttpResponse<String> fromZero = server.get("/wait?id=0&log=" + current);
                return new Held(fromZero.headers().firstValue("X-Nodecast-Log").orElseThrow(), TestServer.messages(fromZero));
            }
        },
        SSE {
            @Override
            Held resume(TestServer server, String log) throws IOException {
                try (RawEventStream stream = RawEventStream.request(server, RawEventStream.get("/events?last=0", "Last-Event-ID", log + "-3"))) {
                    stream.next();
                    String current = stream.next().json().get("log").getAsString();
                    return new Held(current, List.of(stream.nextMessage(), stream.nextMessage()));
                }
            }
        },
        WEB_SOCKET {
            @Override
            Held resume(TestServer server, String log) {
                try (WebSocketClient socket = WebSocketClient.open(server, "/ws?id=3&log=" + log)) {
                    List<Message> messages = socket.awaitMessages(2);
                    return new Held(socket.frames().get(1).get("log").getAsString(), messages);
                }
            }
        };

        abstract Held resume(TestServer server, String log) throws IOException;
    }

    record Held(String log, List<Message> messages) {
    }

    @ParameterizedTest
    @EnumSource(Follower.class)
    void after_a_reset_each_transport_leaves_its_client_on_the_new_log_from_0(Follower follower) throws Exception {
        int port = Ports.free();
        String oldLog;
        try (TestServer first = onPort(port)) {
            for (int i = 0; i < 3; i++) {
                first.publish("old " + i);
            }
            oldLog = RedisLogTest.logOf(first);
        }
        TestServer restarted = servers.started(onPort(port));
        List<Message> published = List.of(restarted.publish("new 0"), restarted.publish("new 1"));
        assertEquals(new Held(RedisLogTest.logOf(restarted), published), follower.resume(restarted, oldLog));
    }

    private static TestServer onPort(int port) {
        return TestServer.start(TestServer.config(null, TestServer.WAIT_TIMEOUT, port), Clock.systemUTC());
    }
}
