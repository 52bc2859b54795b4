package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import nodecast.log.Message;
import org.htmlunit.ScriptException;
import org.htmlunit.SilentCssErrorHandler;
import org.htmlunit.SilentIncorrectnessListener;
import org.htmlunit.WebClient;
import org.htmlunit.corejs.javascript.Scriptable;
import org.htmlunit.corejs.javascript.ScriptableObject;
import org.htmlunit.html.DomElement;
import org.htmlunit.html.DomNode;
import org.htmlunit.html.HtmlForm;
import org.htmlunit.html.HtmlPage;
import org.htmlunit.javascript.SilentJavaScriptErrorListener;
import org.junit.jupiter.api.Test;

/**
 * The viewer page ({@code web/index.html} with {@code app.js} and jQuery) and the publisher form,
 * run by HtmlUnit against a real server. Each page gets a WebClient of its own: HtmlUnit runs a
 * page's scripts on one thread, and a long poll holds that thread, so the server's wait timeout
 * is kept short for the pages to stay responsive.
 */
class PageTest {
    private static final Duration WAIT_TIMEOUT = Duration.ofMillis(500);
    /** How long a page gets to show what it should: a reconnect after a restart backs off for up to about 2 s. */
    private static final Duration PATIENCE = Duration.ofSeconds(10);

    @Test
    void viewer_shows_a_message_posted_through_the_form_without_reload() {
        try (TestServer server = TestServer.start(null, WAIT_TIMEOUT);
                Browser viewer = Browser.open(server.uri("/?transport=poll"));
                Browser publisher = Browser.open(formUri(server))) {
            viewer.awaitLive();

            String answer = publisher.publish("Doors are open. The keynote starts at 10:00 in Hall A.");

            assertTrue(answer.contains("Done! Message was assigned ID 0"), "the form page says: " + answer);
            viewer.await("the message", () -> viewer.texts().equals(List.of("Doors are open. The keynote starts at 10:00 in Hall A.")));
            assertSame(viewer.page, viewer.client.getCurrentWindow().getEnclosedPage(), "the viewer page was reloaded");
            assertEquals("live", viewer.state());
            assertTrue(viewer.page.getHtmlElementById("empty").getAttribute("style").contains("none"),
                    "the 'no messages yet' line is still shown");
        }
    }

    @Test
    void two_viewers_both_see_a_message_posted_through_the_form() {
        try (TestServer server = TestServer.start(null, WAIT_TIMEOUT);
                Browser first = Browser.open(server.uri("/?transport=poll"));
                Browser second = Browser.open(server.uri("/?transport=poll"));
                Browser publisher = Browser.open(formUri(server))) {
            first.awaitLive();
            second.awaitLive();

            publisher.publish("Lunch is served on level 2");

            for (Browser viewer : List.of(first, second)) {
                viewer.await("the message", () -> viewer.texts().equals(List.of("Lunch is served on level 2")));
            }
        }
    }

    @Test
    void markup_in_a_message_is_shown_as_text_and_runs_nothing() {
        String script = "<script>window.hacked=1</script>";
        String image = "<img src=x onerror=\"window.hacked=1\">";
        try (TestServer server = TestServer.start(null, WAIT_TIMEOUT);
                Browser viewer = Browser.open(server.uri("/?transport=poll"));
                Browser publisher = Browser.open(formUri(server))) {
            viewer.awaitLive();

            publisher.publish(script);
            publisher.publish(image);

            viewer.await("both messages", () -> viewer.messageItems().size() == 2);
            DomElement messages = viewer.page.getHtmlElementById("messages");
            Object hacked = viewer.global("hacked");
            assertSame(Scriptable.NOT_FOUND, hacked, "a message ran script: window.hacked is " + hacked);
            assertEquals(List.of(), messages.getElementsByTagName("img"), "a message was inserted as HTML");
            assertEquals(List.of(), messages.getElementsByTagName("script"), "a message was inserted as HTML");
            assertEquals(List.of(image, script), viewer.texts());
        }
    }

    @Test
    void the_newest_message_comes_first_and_each_shows_its_time() {
        Instant before = Instant.now().minusSeconds(1);
        try (TestServer server = TestServer.start(null, WAIT_TIMEOUT);
                Browser viewer = Browser.open(server.uri("/?transport=poll"));
                Browser publisher = Browser.open(formUri(server))) {
            viewer.awaitLive();

            for (String text : List.of("first", "second", "third")) {
                publisher.publish(text);
            }

            viewer.await("three messages", () -> viewer.texts().size() == 3);
            assertEquals(List.of("third", "second", "first"), viewer.texts());
            Instant after = Instant.now().plusSeconds(1);
            for (DomElement item : viewer.messageItems()) {
                List<DomElement> times = new ArrayList<>(item.getElementsByTagName("time"));
                assertEquals(1, times.size(), "one <time> per message: " + item.asXml());
                Instant time = Instant.parse(times.get(0).getAttribute("datetime"));
                assertTrue(!time.isBefore(before) && !time.isAfter(after), "the message's time is " + time);
                assertTrue(!times.get(0).getTextContent().isBlank(), "the <time> shows nothing: " + item.asXml());
            }
        }
    }

    @Test
    void the_page_follows_a_restarted_in_memory_server_from_its_new_log() throws IOException {
        try (Browser viewer = new Browser()) {
            int port = Ports.free();
            try (TestServer before = TestServer.start(TestServer.config(null, WAIT_TIMEOUT, port), Clock.systemUTC())) {
                viewer.load(before.uri("/?transport=poll"));
                viewer.awaitLive();
                before.publish("before the restart");
                viewer.await("the first message", () -> viewer.texts().equals(List.of("before the restart")));
            }
            viewer.await("the status saying the page reconnects", () -> "reconnecting".equals(viewer.state()));

            try (TestServer after = TestServer.start(TestServer.config(null, WAIT_TIMEOUT, port), Clock.systemUTC())) {
                Message fresh = after.publish("after the restart");

                assertEquals(0, fresh.id(), "the new server starts a new log");
                viewer.await("the new server's message", () -> viewer.texts().equals(List.of("after the restart")));
                viewer.awaitLive();
                List<String> items = viewer.items();
                assertEquals(2, items.size(), "the list is " + items);
                assertTrue(items.get(1).contains("restarted"), "no notice of the new log below its messages: " + items);
            }
        }
    }

    @Test
    void the_page_follows_a_restarted_server_on_the_same_redis_without_showing_a_message_twice() throws IOException {
        try (RedisProcess redis = RedisProcess.start(); Browser viewer = new Browser()) {
            int port = Ports.free();
            try (TestServer before = TestServer.start(TestServer.config(redis.uri(), WAIT_TIMEOUT, port), Clock.systemUTC())) {
                viewer.load(before.uri("/?transport=poll"));
                viewer.awaitLive();
                before.publish("one");
                before.publish("two");
                viewer.await("the first messages", () -> viewer.texts().equals(List.of("two", "one")));
            }
            viewer.await("the status saying the page reconnects", () -> "reconnecting".equals(viewer.state()));

            try (TestServer after = TestServer.start(TestServer.config(redis.uri(), WAIT_TIMEOUT, port), Clock.systemUTC())) {
                Message fresh = after.publish("three");

                assertEquals(2, fresh.id(), "the log in Redis carries on");
                viewer.await("the new message", () -> viewer.texts().contains("three"));
                // Parked again after showing it: the page's next poll found nothing more to show.
                viewer.await("the page's next poll", () -> after.server.broadcaster().parkedCount() == 1);
                viewer.awaitLive();
                assertEquals(List.of("three", "two", "one"), viewer.items(), "the page started the same log again");
            }
        }
    }

    @Test
    void a_new_viewer_sees_the_newest_50_messages_and_the_list_keeps_the_newest_300() {
        try (TestServer server = TestServer.start(null, WAIT_TIMEOUT)) {
            for (int i = 0; i < 60; i++) {
                server.publish("message " + i);
            }
            try (Browser viewer = Browser.open(server.uri("/?transport=poll"))) {
                viewer.awaitLive();
                viewer.await("the newest 50", () -> viewer.texts().size() == 50);
                assertEquals("message 59", viewer.texts().get(0));
                assertEquals("message 10", viewer.texts().get(49));
                for (int i = 60; i < 400; i++) {
                    server.publish("message " + i);
                }
                // Older messages leave the list: 300 are kept, the newest first.
                viewer.await("the newest 300", () -> viewer.texts().size() == 300 && viewer.texts().get(0).equals("message 399"));
                assertEquals("message 100", viewer.texts().get(299));
            }
        }
    }

    @Test
    void after_the_log_is_renewed_the_page_shows_each_message_once_and_says_what_happened() {
        try (RedisProcess redis = RedisProcess.start();
             TestServer server = TestServer.start(redis.uri(), WAIT_TIMEOUT);
             Browser viewer = Browser.open(server.uri("/?transport=poll"))) {
            viewer.awaitLive();
            for (String text : List.of("zero", "one", "two", "three", "four")) {
                server.publish(text);
            }
            viewer.await("the first messages", () -> viewer.texts().size() == 5);

            // A failover lost ids 3 and 4: the same log id, the sequence back at 3. The next publish gets id 3
            // again, so the server renews the log, keeping 0 to 2, and the page starts again from id 0.
            assertEquals("+OK", redis.command("SET " + DefaultChannelKeys.SEQ + " 3"));
            assertEquals(":2", redis.command("ZREMRANGEBYSCORE " + DefaultChannelKeys.LOG + " 3 +inf"));
            server.publish("after the failover");

            viewer.await("the renewed log", () -> viewer.texts().contains("after the failover"));
            viewer.awaitLive();
            assertEquals(List.of("after the failover", "two", "one", "zero"), viewer.texts(), "each message once, newest first");
            assertTrue(viewer.items().get(viewer.items().size() - 1).contains("restarted"), "no notice: " + viewer.items());
        }
    }

    @Test
    void two_tabs_on_two_channels_each_show_only_their_own_and_the_form_publishes_to_its_channel() {
        try (TestServer server = TestServer.start(null, WAIT_TIMEOUT);
                Browser news = Browser.open(server.uri("/c/news/?transport=poll"));
                Browser sports = Browser.open(server.uri("/c/sports/?transport=poll"));
                Browser publisher = Browser.open(server.uri("/c/news/message-form?key=" + TestServer.KEY))) {
            news.awaitLive();
            sports.awaitLive();
            assertEquals("news · nodecast", news.page.getTitleText());

            assertTrue(publisher.publish("Polls close at eight").contains("Done! Message was assigned ID 0"));
            server.postJson("/c/sports/submit-message", "text=Kick-off+at+three");

            news.await("the news", () -> news.texts().equals(List.of("Polls close at eight")));
            sports.await("the sports", () -> sports.texts().equals(List.of("Kick-off at three")));
            assertEquals("[]", server.get("/since?id=0").body(), "nothing reached channel default");
            assertEquals(List.of("Polls close at eight"), news.texts(), "no other channel's message showed up");
        }
    }

    private static URI formUri(TestServer server) {
        return server.uri("/message-form?key=" + TestServer.KEY);
    }

    /**
     * One page in a WebClient of its own. Script errors, including those in timers and XHR
     * callbacks that no call of the test would see thrown, fail the test when it closes.
     */
    private static final class Browser implements AutoCloseable {
        final WebClient client = new WebClient();
        final List<ScriptException> scriptErrors = new ArrayList<>();
        HtmlPage page;

        Browser() {
            client.getOptions().setCssEnabled(false);
            client.getOptions().setThrowExceptionOnScriptError(true);
            client.setCssErrorHandler(new SilentCssErrorHandler());
            client.setIncorrectnessListener(new SilentIncorrectnessListener());
            client.setJavaScriptErrorListener(new SilentJavaScriptErrorListener() {
                @Override
                public void scriptException(HtmlPage failing, ScriptException error) {
                    synchronized (scriptErrors) {
                        scriptErrors.add(error);
                    }
                }
            });
        }

        static Browser open(URI uri) {
            Browser browser = new Browser();
            try {
                browser.load(uri);
                return browser;
            } catch (RuntimeException | Error e) {
                browser.client.close();
                throw e;
            }
        }

        void load(URI uri) {
            try {
                page = client.getPage(uri.toURL());
            } catch (IOException e) {
                throw new AssertionError("cannot open " + uri, e);
            }
        }

        /** Fills in the publisher form, submits it and returns the text of the page the server answers with. */
        String publish(String text) {
            try {
                HtmlForm form = page.getHtmlElementById("publish");
                form.getTextAreaByName("text").setText(text);
                DomElement button = form.getFirstByXPath(".//button[normalize-space()='Publish']");
                page = button.click();
                return page.asNormalizedText();
            } catch (IOException e) {
                throw new AssertionError("cannot post the form", e);
            }
        }

        void awaitLive() {
            await("the status saying the page is live", () -> "live".equals(state()));
        }

        /**
         * Lets the page's scripts run in small steps until {@code condition} holds. A look may
         * fall in the middle of a script step (the page's scripts run on HtmlUnit's own thread);
         * one that fails because the list changed under it (the page drops its oldest messages)
         * counts as "not yet", and the next look tells.
         */
        void await(String what, BooleanSupplier condition) {
            long deadline = System.nanoTime() + PATIENCE.toNanos();
            while (!holds(condition)) {
                if (System.nanoTime() > deadline) {
                    fail("waited " + PATIENCE.toSeconds() + " s for " + what + "; status '" + state()
                            + "', list " + items() + ", script errors " + scriptErrors);
                }
                if (client.waitForBackgroundJavaScript(50) == 0) {
                    fail("the page stopped polling while waiting for " + what + "; script errors " + scriptErrors);
                }
            }
        }

        private static boolean holds(BooleanSupplier condition) {
            try {
                return condition.getAsBoolean();
            } catch (RuntimeException lookRacedAScriptStep) {
                return false;
            }
        }

        String state() {
            return page.getHtmlElementById("status").getAttribute("data-state");
        }

        List<DomElement> messageItems() {
            return page.<DomElement>getByXPath("//ol[@id='messages']/li[@class='message']");
        }

        /** The texts of the messages shown, top to bottom. */
        List<String> texts() {
            return page.<DomNode>getByXPath("//ol[@id='messages']/li[@class='message']/span[@class='text']")
                    .stream().map(DomNode::getTextContent).toList();
        }

        /** Every line of the list, messages and notices, as the reader sees it. */
        List<String> items() {
            return page.<DomElement>getByXPath("//ol[@id='messages']/li").stream()
                    .map(li -> li.getAttribute("class").equals("message")
                            ? li.<DomNode>getFirstByXPath("span[@class='text']").getTextContent()
                            : li.getTextContent())
                    .toList();
        }

        Object global(String name) {
            return ScriptableObject.getProperty((Scriptable) page.getEnclosingWindow().getScriptableObject(), name);
        }

        @Override
        public void close() {
            client.close();
            synchronized (scriptErrors) {
                assertEquals(List.of(), scriptErrors, "script errors");
            }
        }
    }
}
