package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The broadcast page and the publisher form in a real headless {@link Chromium}. */
class BrowserTest {
    /** Written on every run, into target/ so the work tree stays clean; docs/broadcast.png in the README is a copy of one. */
    private static final Path SCREENSHOT = Path.of("target", "broadcast.png");

    /** Markup and entities a page that inserted messages as HTML would get wrong. */
    private static final String MARKUP = "Markup stays text: <b>bold?</b> & \"quotes\"";
    private static final List<String> BROADCAST = List.of(
            "Doors are open. The keynote starts at 10:00 in Hall A.",
            "Slides for the keynote are up: see the schedule page, talk 1.",
            "Lunch is served on level 2 until 13:30; workshops resume at 14:00.");

    @Test
    void a_message_published_through_the_form_appears_on_the_open_broadcast_page_as_text_without_console_errors(
            @TempDir Path profile) throws IOException {
        try (TestServer server = TestServer.memory()) {
            ChromeDriver browser = Chromium.start(profile);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Chromium.WAIT);
                browser.get(server.uri("/").toString());
                String viewer = browser.getWindowHandle();
                wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "live"));

                browser.switchTo().newWindow(WindowType.TAB);
                String publisher = browser.getWindowHandle();
                browser.get(server.uri("/message-form?key=" + TestServer.KEY).toString());

                List<String> newestFirst = new ArrayList<>();
                for (String text : concat(MARKUP, BROADCAST)) {
                    browser.switchTo().window(publisher);
                    publish(browser, wait, text, newestFirst.size());
                    newestFirst.add(0, text);
                    browser.switchTo().window(viewer);
                    wait.until(d -> Chromium.texts(browser).equals(newestFirst));
                    if (text.equals(MARKUP)) {
                        assertTrue(browser.findElements(By.cssSelector("#messages b")).isEmpty(), "the message was inserted as HTML");
                    }
                }
                assertEquals("Live · WebSocket", browser.findElement(By.id("status")).getText());
                assertFalse(browser.findElement(By.id("empty")).isDisplayed(), "the 'no messages yet' line is still shown");

                List<String> errors = new ArrayList<>();
                for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
                    if (entry.getLevel().intValue() >= Level.WARNING.intValue()) {
                        System.out.println("browser console: " + entry);
                    }
                    if (entry.getLevel().intValue() >= Level.SEVERE.intValue() || entry.getMessage().contains("Content Security Policy")) {
                        errors.add(entry.getMessage());
                    }
                }

                Files.createDirectories(SCREENSHOT.getParent());
                Files.write(SCREENSHOT, browser.getScreenshotAs(OutputType.BYTES));

                // The console check means something only if a violation would reach the log read:
                // an inline script, refused by the page's policy, must show up there.
                browser.executeScript("var s = document.createElement('script'); s.textContent = 'void 0'; document.body.appendChild(s);");
                wait.until(d -> browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                        .anyMatch(e -> e.getMessage().contains("Content Security Policy")));

                assertEquals(List.of(), errors, "console errors in Chromium");
            } finally {
                browser.quit();
            }
        }
    }

    /** What the page says it uses, per {@code ?transport=}. */
    private static final java.util.Map<String, String> TRANSPORT_NAMES = java.util.Map.of(
            "ws", "WebSocket", "sse", "Server-Sent Events", "poll", "long-polling");

    @ParameterizedTest
    @ValueSource(strings = {"ws", "sse", "poll"})
    void through_nginx_with_the_deployed_config_the_page_shows_live_messages_on_each_transport(String transport, @TempDir Path profile)
            throws Exception {
        try (TestServer server = TestServer.memory();
             NginxProxy nginx = NginxProxy.start(List.of(server))) {
            ChromeDriver browser = Chromium.start(profile);
            try {
                browser.get(nginx.uri("/c/news/?transport=" + transport).toString());
                WebDriverWait wait = new WebDriverWait(browser, Chromium.WAIT);
                wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "live"));
                assertEquals("Live · " + TRANSPORT_NAMES.get(transport), browser.findElement(By.id("status")).getText());
                List<String> newestFirst = new ArrayList<>();
                for (String text : BROADCAST) {
                    server.postJson("/c/news/submit-message", "text=" + java.net.URLEncoder.encode(text, java.nio.charset.StandardCharsets.UTF_8));
                    newestFirst.add(0, text);
                    wait.until(d -> Chromium.texts(browser).equals(newestFirst));
                }
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void on_a_stream_a_clear_empties_the_list_and_says_so(@TempDir Path profile) {
        try (TestServer server = TestServer.memory()) {
            ChromeDriver browser = Chromium.start(profile);
            try {
                server.publish(BROADCAST.get(0));
                browser.get(server.uri("/").toString());
                WebDriverWait wait = new WebDriverWait(browser, Chromium.WAIT);
                wait.until(d -> Chromium.texts(browser).equals(List.of(BROADCAST.get(0))));
                assertEquals("Live · WebSocket", browser.findElement(By.id("status")).getText(), "WebSocket first");
                assertEquals(200, server.postJson("/clear-messages", "").statusCode());
                wait.until(d -> browser.findElements(By.cssSelector("#messages li")).stream().map(WebElement::getText).toList()
                        .equals(List.of("The messages were cleared.")));
                server.publish(BROADCAST.get(1));
                wait.until(d -> Chromium.texts(browser).equals(List.of(BROADCAST.get(1))));
            } finally {
                browser.quit();
            }
        }
    }

    @Test
    void behind_a_proxy_that_refuses_websocket_upgrades_the_page_falls_back_to_server_sent_events(@TempDir Path profile) throws Exception {
        try (TestServer server = TestServer.memory();
             NginxProxy proxy = NginxProxy.refusingUpgrades(List.of(server))) {
            ChromeDriver browser = Chromium.start(profile);
            try {
                browser.get(proxy.uri("/").toString());
                WebDriverWait wait = new WebDriverWait(browser, Chromium.WAIT);
                wait.until(ExpectedConditions.attributeToBe(By.id("status"), "data-state", "live"));
                assertEquals("Live · Server-Sent Events", browser.findElement(By.id("status")).getText());
                server.publish(BROADCAST.get(0));
                wait.until(d -> Chromium.texts(browser).equals(List.of(BROADCAST.get(0))));
            } finally {
                browser.quit();
            }
        }
    }

    /** Publishes through the form in the current tab; {@code id}: the id the server should assign. */
    private static void publish(ChromeDriver browser, WebDriverWait wait, String text, int id) {
        WebElement field = browser.findElement(By.cssSelector("#publish #text"));
        field.clear();
        field.sendKeys(text);
        browser.findElement(By.xpath("//form[@id='publish']//button[normalize-space()='Publish']")).click();
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "Message was assigned ID " + id));
    }

    private static List<String> concat(String first, List<String> rest) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(rest);
        return all;
    }
}
