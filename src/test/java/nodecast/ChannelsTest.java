package nodecast;

import static nodecast.RedisLogTest.awaitTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import nodecast.http.Replies;
import nodecast.log.Message;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Many broadcasts on one server: names, isolation, the unprefixed endpoints as channel default, limits and idle channels. */
class ChannelsTest {
    @RegisterExtension
    private static final StoreServers servers = new StoreServers();

    private static HttpResponse<String> publish(TestServer s, String channel, String text) {
        return s.postJson("/c/" + channel + "/submit-message", "text=" + URLEncoder.encode(text, StandardCharsets.UTF_8));
    }

    private static List<String> texts(HttpResponse<String> response) {
        return TestServer.messages(response).stream().map(Message::text).toList();
    }

    private static String reason(HttpResponse<String> response) {
        return JsonParser.parseString(response.body()).getAsJsonObject().get("error").getAsString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"%2F", "a%2Fb", "%20", "a%20b", "..", ".", "%C3%BC", "a%00b", "a+b", "a;b",
        "12345678901234567890123456789012345678901234567890123456789012345"})
    void a_bad_channel_name_is_refused_with_400_and_its_reason_on_every_endpoint(String name) {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        for (String endpoint : List.of("", "wait?id=0", "since?id=0", "message-form")) {
            HttpResponse<String> answer = s.send(HttpRequest.newBuilder(s.uri("/c/" + name + "/" + endpoint)).header("Accept", "application/json").GET());
            assertEquals(400, answer.statusCode(), endpoint + ": " + answer.body());
            assertEquals("a channel name is 1 to 64 characters of A-Z a-z 0-9 . _ ~ -, and not . or ..", reason(answer));
        }
        for (String endpoint : List.of("submit-message", "clear-messages")) {
            HttpResponse<String> answer = s.postJson("/c/" + name + "/" + endpoint, "text=x");
            assertEquals(400, answer.statusCode(), endpoint + ": " + answer.body());
        }
        assertEquals("[]", s.get("/since?id=0").body(), "nothing was stored anywhere");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void the_unprefixed_endpoints_are_channel_default(Store store) {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        Message unprefixed = s.publish("through /submit-message");
        HttpResponse<String> prefixed = publish(s, "default", "through /c/default/submit-message");
        assertEquals(201, prefixed.statusCode(), prefixed.body());
        assertEquals("/c/default/since?id=1", prefixed.headers().firstValue("Location").orElse(null));

        HttpResponse<String> plain = s.get("/since?id=0");
        HttpResponse<String> named = s.get("/c/default/since?id=0");
        assertEquals(plain.body(), named.body());
        assertEquals(plain.headers().firstValue(Replies.LOG_HEADER.toString()), named.headers().firstValue(Replies.LOG_HEADER.toString()));
        assertEquals(List.of("through /submit-message", "through /c/default/submit-message"), texts(plain));
        assertEquals(0, unprefixed.id());
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void each_channel_has_its_own_ids_and_messages_never_cross(Store store) throws Exception {
        TestServer s = servers.start(store, TestServer.WAIT_TIMEOUT);
        assertEquals("[]", s.get("/c/never-used/since?id=0").body(), "a channel that never had a message is empty");
        CompletableFuture<HttpResponse<String>> waiting = CompletableFuture.supplyAsync(() -> s.get("/c/sports/wait?id=0"));
        awaitTrue(() -> s.server.channels().parkedCount() == 1, "the viewer of sports never parked");

        assertEquals(201, publish(s, "news", "news 0").statusCode());
        assertEquals(201, publish(s, "news", "news 1").statusCode());
        HttpResponse<String> sports = publish(s, "sports", "sports 0");
        assertEquals(0, Message.fromJson(sports.body()).id(), "every channel counts from 0");

        assertEquals(List.of("sports 0"), texts(waiting.get(5, TimeUnit.SECONDS)), "the waiter on sports got sports only");
        assertEquals(List.of("news 0", "news 1"), texts(s.get("/c/news/since?id=0")));
        assertEquals("[]", s.get("/since?id=0").body(), "nothing reached channel default");
        assertEquals(200, s.postJson("/c/news/clear-messages", "").statusCode());
        assertEquals("[]", s.get("/c/news/since?id=0").body());
        assertEquals(List.of("sports 0"), texts(s.get("/c/sports/since?id=0")), "a clear empties its channel alone");
    }

    @Test
    void a_channel_address_without_its_slash_is_redirected_to_the_page() {
        TestServer s = servers.start(Store.MEMORY, TestServer.WAIT_TIMEOUT);
        HttpResponse<String> answer = s.get("/c/news");
        assertEquals(301, answer.statusCode());
        assertEquals("/c/news/", answer.headers().firstValue("Location").orElse(null));
        HttpResponse<String> page = s.get("/c/news/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<span id=\"channel\">"), page.body());
        assertEquals(404, s.get("/c/news/nothing-here").statusCode());
    }

    @Test
    void with_the_memory_log_a_publish_or_viewer_past_max_channels_is_refused_and_nothing_is_stored() {
        TestServer s = servers.started(TestServer.start(TestServer.config(null, TestServer.WAIT_TIMEOUT, 0).toBuilder()
                .maxChannels(3).build(), Clock.systemUTC()));
        // default is one of the three, taken up at start.
        assertEquals(201, publish(s, "one", "kept").statusCode());
        assertEquals(201, publish(s, "two", "kept").statusCode());
        HttpResponse<String> refused = publish(s, "three", "refused");
        assertEquals(503, refused.statusCode(), refused.body());
        assertEquals("message not stored: this server holds 3 channels already (--max-channels)", reason(refused));
        assertEquals(503, s.send(HttpRequest.newBuilder(s.uri("/c/three/wait?id=0")).header("Accept", "application/json").GET()).statusCode());
        assertEquals(List.of("kept"), texts(s.get("/c/one/since?id=0")));
    }

    @Test
    void the_default_channel_is_never_dropped_so_readiness_holds_when_the_memory_log_is_full() throws Exception {
        TestServer s = servers.started(TestServer.start(TestServer.config(null, TestServer.WAIT_TIMEOUT, 0).toBuilder()
                .maxChannels(2).channelIdle(Duration.ofMillis(1)).build(), Clock.systemUTC()));
        assertEquals(201, publish(s, "a", "kept").statusCode());
        awaitTrue(() -> s.server.channels().count() == 1, "channel a was dropped when idle");
        assertEquals(503, publish(s, "b", "refused").statusCode(), "default and a fill the two channels");
        HttpResponse<String> ready = s.get("/readyz");
        assertEquals(200, ready.statusCode(), ready.body());
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void a_channel_no_viewer_asks_for_is_dropped_from_memory_and_read_again_when_one_comes_back(Store store) {
        TestServer s = servers.started(TestServer.start(TestServer.config(store == Store.REDIS ? servers.freshRedisUri() : null,
                TestServer.WAIT_TIMEOUT, 0).toBuilder().channelIdle(Duration.ofMillis(300)).build(), Clock.systemUTC()));
        publish(s, "news", "still here");
        String log = s.get("/c/news/since?id=0").headers().firstValue(Replies.LOG_HEADER.toString()).orElseThrow();
        awaitTrue(() -> s.server.channels().count() == 1, "the idle channels were dropped, all but default");
        assertTrue(s.get("/metrics").body().contains("nodecast_channels 1.0"));

        HttpResponse<String> back = s.get("/c/news/since?id=0");
        assertEquals(List.of("still here"), texts(back));
        assertEquals(log, back.headers().firstValue(Replies.LOG_HEADER.toString()).orElse(null), "the same log, so viewers keep their ids");
        assertEquals(1, Message.fromJson(publish(s, "news", "next").body()).id(), "the sequence carried on");
    }

    @ParameterizedTest
    @EnumSource(Store.class)
    void channels_dropped_and_taken_up_again_while_they_are_read_and_published_lose_no_acknowledged_message(Store store) throws Exception {
        TestServer s = servers.started(TestServer.start(TestServer.config(store == Store.REDIS ? servers.freshRedisUri() : null,
                TestServer.WAIT_TIMEOUT, 0).toBuilder().channelIdle(Duration.ofMillis(1)).build(), Clock.systemUTC()));
        int channels = 30;
        Map<String, List<String>> acknowledged = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                // Readers take channels up and let them go idle at once, so the sweeper drops them all the time.
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        HttpResponse<String> read = s.get("/c/ch-" + (i + thread) % channels + "/since?id=0");
                        assertEquals(200, read.statusCode(), read.body());
                    }
                    return null;
                }));
                // Publishers write the first messages of those channels meanwhile.
                done.add(pool.submit(() -> {
                    for (int i = 0; i < 40; i++) {
                        String name = "ch-" + (i * 7 + thread) % channels;
                        String text = "thread " + thread + " message " + i;
                        HttpResponse<String> answer = publish(s, name, text);
                        assertEquals(201, answer.statusCode(), answer.body());
                        acknowledged.computeIfAbsent(name, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(text);
                        Thread.sleep(2);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (Map.Entry<String, List<String>> channel : acknowledged.entrySet()) {
            List<String> shown = texts(s.get("/c/" + channel.getKey() + "/since?id=0"));
            assertEquals(channel.getValue().size(), shown.size(), channel.getKey() + ": " + shown);
            assertTrue(shown.containsAll(channel.getValue()), channel.getKey() + " lost an acknowledged message: " + shown);
        }
    }

    @Test
    void two_hundred_channels_published_from_two_instances_reach_their_own_viewers_once_in_order() throws Exception {
        TestServer a = servers.start(Store.REDIS, TestServer.WAIT_TIMEOUT);
        TestServer b = servers.started(TestServer.start(servers.redisUri()));
        List<URI> both = List.of(URI.create("http://127.0.0.1:" + a.port()), URI.create("http://127.0.0.1:" + b.port()));
        int channels = 200;
        int perChannel = 3;
        Map<String, Viewer> viewers = new TreeMap<>();
        for (int c = 0; c < channels; c += 5) {
            viewers.put("ch-" + c, Viewer.followChannel(c % 2 == 0 ? both : List.of(both.get(1), both.get(0)), "ch-" + c));
        }
        Map<String, Map<Long, String>> stored = new ConcurrentHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                TestServer on = t % 2 == 0 ? a : b;
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int round = 0; round < perChannel; round++) {
                        for (int c = thread; c < channels; c += 4) {
                            String name = "ch-" + c;
                            HttpResponse<String> answer = publish(on, name, name + " round " + round);
                            assertEquals(201, answer.statusCode(), answer.body());
                            Message m = Message.fromJson(answer.body());
                            stored.computeIfAbsent(name, k -> new ConcurrentHashMap<>()).put(m.id(), m.text());
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(120, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        for (int c = 0; c < channels; c++) {
            String name = "ch-" + c;
            Map<Long, String> ids = new TreeMap<>(stored.get(name));
            assertEquals(LongStream.range(0, perChannel).boxed().toList(), new ArrayList<>(ids.keySet()), name + "'s ids are contiguous from 0");
            List<String> expected = new ArrayList<>(ids.values());
            for (TestServer on : List.of(a, b)) {
                assertEquals(expected, texts(on.get("/c/" + name + "/since?id=0")), name + " on both instances");
            }
            Viewer viewer = viewers.get(name);
            if (viewer != null) {
                viewer.awaitCount(perChannel, Duration.ofSeconds(20));
                assertEquals(expected, viewer.texts(), name + "'s viewer got its channel's messages once, in order, and nothing else");
                viewer.close();
            }
        }
    }
}
