package nodecast;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless {@code chromium}, driven by its {@code chromedriver}, both given by path so
 * Selenium never looks for (or downloads) a browser or driver of its own. Without them a test is
 * skipped, except under CI ({@code CI=true}), where that is a failure.
 */
final class Chromium {
    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final Dimension VIEWPORT = new Dimension(1000, 700);
    static final Duration WAIT = Duration.ofSeconds(5);

    private Chromium() {
    }

    /** A fresh browser with its profile in {@code profile}, its console log kept, and a page area of {@link #VIEWPORT}. */
    static ChromeDriver start(Path profile) {
        Tools.require(BINARY, "chromium");
        Tools.require(DRIVER, "chromium-driver");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        ChromeOptions options = new ChromeOptions()
                .setBinary(BINARY.toFile())
                .addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                        "--disable-component-update", "--no-first-run", "--disable-sync", "--disable-quic",
                        // Chromium still looks up its own services (sign-in, autofill, updates, the
                        // default search engine) at start: no name resolves, so it reaches nothing.
                        "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1",
                        "--disable-features=AutofillServerCommunication,MediaRouter,OptimizationHints,Translate",
                        "--disable-extensions", "--disable-default-apps", "--disable-domain-reliability", "--no-pings",
                        "--user-data-dir=" + profile, "--window-size=" + VIEWPORT.width + "," + VIEWPORT.height, "--lang=en-US");
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriver browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(WAIT).scriptTimeout(WAIT);
        // --window-size counts the window's frame: grow the window until the page itself has the screenshot's size.
        List<?> frame = (List<?>) browser.executeScript(
                "return [window.outerWidth - window.innerWidth, window.outerHeight - window.innerHeight];");
        browser.manage().window().setSize(new Dimension(
                VIEWPORT.width + ((Number) frame.get(0)).intValue(), VIEWPORT.height + ((Number) frame.get(1)).intValue()));
        return browser;
    }

    /** A wait on the broadcast page that, if it runs out, says what the page showed. */
    static WebDriverWait waiting(ChromeDriver browser, Duration patience) {
        WebDriverWait wait = new WebDriverWait(browser, patience);
        wait.withMessage(() -> "the page says '" + status(browser) + "' and shows " + texts(browser));
        return wait;
    }

    /** The texts of the messages the broadcast page shows, newest first. */
    static List<String> texts(ChromeDriver browser) {
        return browser.findElements(By.cssSelector("#messages li .text")).stream().map(WebElement::getText).toList();
    }

    /** What the broadcast page's status line says. */
    static String status(ChromeDriver browser) {
        return browser.findElement(By.id("status")).getText();
    }
}
