package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A plain EventSource in Chromium, as any site would use one, with no script of nodecast's: it
 * reconnects by itself, to the same URL, sending back the id of the last event it got. It must
 * resume where it was across a log reset, across an instance that stops, and after a cut before
 * its first message. The page it runs in is the publisher form, of the server's origin, which
 * opens no stream of its own.
 */
class EventSourceTest {
    @RegisterExtension
    private static final StoreServers servers = new StoreServers();

    /** An EventSource waits about 3 s before it reconnects. */
    private static final Duration WAIT = Duration.ofSeconds(30);

    /** Opens an EventSource on {@code path} that records every event it dispatches as [type, lastEventId, text or data]. */
    private static void listen(ChromeDriver browser, String path) {
        browser.executeScript("""
                window.seen = [];
                var source = new EventSource(arguments[0]);
                source.onmessage = function (e) { window.seen.push(['message', e.lastEventId, JSON.parse(e.data).text]); };
                ['hello', 'gap', 'clear', 'reset', 'busy'].forEach(function (name) {
                    source.addEventListener(name, function (e) { window.seen.push([name, e.lastEventId, e.data]); });
                });
                """, path);
    }

    @SuppressWarnings("unchecked")
    private static List<List<String>> seen(ChromeDriver browser) {
        return (List<List<String>>) browser.executeScript("return window.seen;");
    }

    private static List<String> texts(ChromeDriver browser) {
        return seen(browser).stream().filter(e -> e.get(0).equals("message")).map(e -> e.get(2)).toList();
    }

    private static List<String> types(ChromeDriver browser) {
        return seen(browser).stream().map(e -> e.get(0)).toList();
    }

    private static void await(ChromeDriver browser, Predicate<ChromeDriver> condition) {
        new WebDriverWait(browser, WAIT).until(d -> condition.test(browser));
    }

    /** An in-memory server stopped and started again on its port has a new log: the EventSource is told reset, and gets it from 0. */
    @Test
    void an_event_source_across_a_log_reset_is_told_reset_and_gets_the_new_log_from_0(@TempDir Path profile) throws Exception {
        int port = Ports.free();
        TestServer first = TestServer.start(TestServer.config(null, TestServer.WAIT_TIMEOUT, port), Clock.systemUTC());
        ChromeDriver browser = Chromium.start(profile);
        try {
            browser.get(first.uri("/message-form").toString());
            listen(browser, "/events?last=0");
            await(browser, b -> types(b).contains("hello"));
            first.publish("old 0");
            first.publish("old 1");
            await(browser, b -> texts(b).size() == 2);
            first.close();
            TestServer restarted = servers.started(TestServer.start(TestServer.config(null, TestServer.WAIT_TIMEOUT, port),
                    Clock.systemUTC()));
            restarted.publish("new 0");
            await(browser, b -> texts(b).size() == 3);
            assertEquals(List.of("old 0", "old 1", "new 0"), texts(browser));
            assertEquals(List.of("hello", "message", "message", "hello", "reset", "message"), types(browser));
        } finally {
            browser.quit();
            first.close();
        }
    }

    /** Two instances on one Redis behind nginx with deploy/nginx.conf: the one holding the stream stops while messages go on. */
    @Test
    void an_event_source_across_an_instance_that_stops_misses_nothing_and_repeats_nothing(@TempDir Path profile) throws Exception {
        TestServer a = servers.started(TestServer.start(servers.freshRedisUri()));
        TestServer b = servers.started(TestServer.start(servers.redisUri()));
        ChromeDriver browser = Chromium.start(profile);
        try (NginxProxy nginx = NginxProxy.start(List.of(a, b))) {
            browser.get(nginx.uri("/message-form").toString());
            listen(browser, "/events?id=0");
            for (int i = 0; i < 3; i++) {
                b.publish("message " + i);
            }
            await(browser, d -> texts(d).size() == 3);
            TestServer holding = a.server.channels().streamCount() == 1 ? a : b;
            TestServer staying = holding == a ? b : a;
            holding.close();
            for (int i = 3; i < 6; i++) {
                staying.publish("message " + i);
            }
            await(browser, d -> texts(d).size() >= 6);
            assertEquals(List.of("message 0", "message 1", "message 2", "message 3", "message 4", "message 5"), texts(browser));
        } finally {
            browser.quit();
        }
    }

    /** Opened with ?last=0 ("from now on"), cut right after hello: the URL would start from a later now, hello's id does not. */
    @Test
    void an_event_source_started_with_last_and_cut_before_its_first_message_gets_what_was_published_meanwhile(@TempDir Path profile)
            throws Exception {
        TestServer a = servers.started(TestServer.start(servers.freshRedisUri()));
        TestServer b = servers.started(TestServer.start(servers.redisUri()));
        a.publish("before it came");
        ChromeDriver browser = Chromium.start(profile);
        try (NginxProxy nginx = NginxProxy.start(List.of(a, b))) {
            browser.get(nginx.uri("/message-form").toString());
            listen(browser, "/events?last=0");
            await(browser, d -> types(d).contains("hello"));
            TestServer holding = a.server.channels().streamCount() == 1 ? a : b;
            TestServer staying = holding == a ? b : a;
            holding.close();
            staying.publish("published while it reconnected");
            await(browser, d -> !texts(d).isEmpty());
            assertEquals(List.of("published while it reconnected"), texts(browser));
        } finally {
            browser.quit();
        }
    }

    /** At capacity, a plain EventSource is told when to come back, and does, by itself, until there is room. */
    @Test
    void at_capacity_an_event_source_comes_back_by_itself_until_there_is_room(@TempDir Path profile) {
        TestServer s = servers.configured(Store.MEMORY, config -> config.maxWaiters(1));
        ChromeDriver browser = Chromium.start(profile);
        WebSocketClient holder = WebSocketClient.open(s, "/ws");
        try {
            holder.awaitFrames(1);
            browser.get(s.uri("/message-form").toString());
            listen(browser, "/events?last=0");
            await(browser, b -> types(b).contains("busy"));
            holder.close();
            await(browser, b -> types(b).contains("hello"));
            s.publish("once there was room");
            await(browser, b -> !texts(b).isEmpty());
            assertEquals(List.of("once there was room"), texts(browser));
        } finally {
            holder.close();
            browser.quit();
        }
    }
}
