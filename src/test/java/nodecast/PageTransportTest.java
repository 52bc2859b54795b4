package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * How the broadcast page chooses and keeps its transport, in a real {@link Chromium}, often through
 * a {@link FaultyPath}: it falls back only when the path refuses a transport while the server
 * answers, comes back to WebSocket whenever it can, waits its turn when the server is full, and
 * notices a connection that died without closing.
 */
class PageTransportTest {
    /** Long enough for a few rounds of the page's back-off (0.5 s, doubling, with jitter). */
    private static final Duration PATIENCE = Duration.ofSeconds(20);
    /** Every path a viewer's connections take; the page and its scripts are served all the same. */
    private static final String[] VIEWER_PATHS = {"/ws", "/events", "/wait", "/since"};

    @Test
    void a_page_that_starts_while_the_server_is_down_comes_back_on_websocket_not_on_a_worse_transport(@TempDir Path profile) {
        try (TestServer server = TestServer.memory(); FaultyPath path = FaultyPath.to(server)) {
            path.refuse(VIEWER_PATHS);
            ChromeDriver browser = Chromium.start(profile);
            try {
                browser.get(path.uri("/").toString());
                WebDriverWait wait = Chromium.waiting(browser, PATIENCE);
                wait.until(d -> path.refusedCount("/ws") >= 3);

                path.heal();

                wait.until(d -> Chromium.status(browser).equals("Live · WebSocket"));
                server.publish("back");
                wait.until(d -> Chromium.texts(browser).equals(List.of("back")));
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void a_page_that_fell_back_tries_websocket_again_when_its_stream_ends(@TempDir Path profile) {
        try (TestServer server = TestServer.memory(); FaultyPath path = FaultyPath.to(server)) {
            path.refuse("/ws");
            ChromeDriver browser = Chromium.start(profile);
            try {
                browser.get(path.uri("/").toString());
                WebDriverWait wait = Chromium.waiting(browser, PATIENCE);
                wait.until(d -> Chromium.status(browser).equals("Live · Server-Sent Events"));
                server.publish("over Server-Sent Events");
                wait.until(d -> Chromium.texts(browser).equals(List.of("over Server-Sent Events")));

                path.heal();
                path.cut();

                wait.until(d -> Chromium.status(browser).equals("Live · WebSocket"));
                server.publish("over WebSocket");
                wait.until(d -> Chromium.texts(browser).equals(List.of("over WebSocket", "over Server-Sent Events")));
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void at_capacity_the_page_keeps_trying_websocket_and_gets_in_once_a_viewer_leaves(@TempDir Path profile) {
        Config full = TestServer.config(null, TestServer.WAIT_TIMEOUT, 0).toBuilder().maxWaiters(1).build();
        try (TestServer server = TestServer.start(full, Clock.systemUTC())) {
            EventStreamClient occupant = EventStreamClient.open(server.uri("/events"));
            ChromeDriver browser = Chromium.start(profile);
            try {
                browser.get(server.uri("/").toString());
                WebDriverWait wait = Chromium.waiting(browser, PATIENCE);
                wait.until(d -> Chromium.status(browser).startsWith("Too many viewers right now"));

                occupant.close();

                wait.until(d -> Chromium.status(browser).equals("Live · WebSocket"));
                server.publish("in at last");
                wait.until(d -> Chromium.texts(browser).equals(List.of("in at last")));
                assertEquals(List.of(), browser.executeScript("return performance.getEntriesByType('resource')"
                        + ".map(function (e) { return e.name; }).filter(function (url) { return !/[.](js|css|svg)$/.test(url); })"),
                        "a full server made the page try another transport");
            } finally {
                occupant.close();
                browser.quit();
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"ws, WebSocket", "sse, Server-Sent Events"})
    void a_connection_that_dies_without_closing_is_noticed_and_the_page_resumes_without_missing_a_message(
            String transport, String name, @TempDir Path profile) {
        Config quick = TestServer.config(null, TestServer.WAIT_TIMEOUT, 0).toBuilder().keepalive(Duration.ofMillis(500)).build();
        try (TestServer server = TestServer.start(quick, Clock.systemUTC()); FaultyPath path = FaultyPath.to(server)) {
            ChromeDriver browser = Chromium.start(profile);
            try {
                browser.get(path.uri("/?transport=" + transport).toString());
                WebDriverWait wait = Chromium.waiting(browser, PATIENCE);
                wait.until(d -> Chromium.status(browser).equals("Live · " + name));
                server.publish("before");
                wait.until(d -> Chromium.texts(browser).equals(List.of("before")));

                path.stall("/ws", "/events");
                server.publish("while the connection hung");

                wait.until(d -> Chromium.texts(browser).equals(List.of("while the connection hung", "before")));
                assertEquals("Live · " + name, Chromium.status(browser));
            } finally {
                browser.quit();
            }
        }
    }
}
