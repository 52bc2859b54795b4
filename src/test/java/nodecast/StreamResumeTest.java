package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import nodecast.log.Message;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Streams cut by an instance that stops resume on another from their last id, on both streaming transports. */
class StreamResumeTest {
    @RegisterExtension
    private static final StoreServers servers = new StoreServers();

    /** The two streaming transports, and how a viewer opens each from an id. */
    enum Transport {
        SSE {
            @Override
            StreamViewer open(TestServer server, long from) {
                return EventStreamClient.open(server, "/c/news/events?id=" + from);
            }
        },
        WEB_SOCKET {
            @Override
            StreamViewer open(TestServer server, long from) {
                return WebSocketClient.open(server, "/c/news/ws?id=" + from);
            }
        };

        abstract StreamViewer open(TestServer server, long from);
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
            first.add(transport.open(stopping, 0));
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
                List<Message> seen = viewer.messages();
                second.add(transport.open(staying, seen.get(seen.size() - 1).id() + 1));
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
}
