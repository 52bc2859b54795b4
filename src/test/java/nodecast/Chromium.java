package nodecast;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * A real headless Chromium: Debian's {@code chromium} driven by its {@code chromedriver}, both
 * given by path so Selenium never looks for (or downloads) a browser or driver of its own.
 */
final class Chromium {
    private static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    /** The page's own size, without the window's frame: the README's screenshot has it. */
    private static final Dimension VIEWPORT = new Dimension(1000, 700);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private Chromium() {
    }

    /** Skips the test without Chromium and its driver, except under CI, where that fails it. */
    static void require() {
        Tools.require(BINARY, "chromium");
        Tools.require(DRIVER, "chromium-driver");
    }

    /** A browser with a fresh profile in {@code profile}, its console kept for the test to read; the test quits it. */
    static ChromeDriver start(Path profile) {
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
}
