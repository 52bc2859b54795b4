package nodecast;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One real redis-server for a test class ({@code @RegisterExtension static final SharedRedis}),
 * emptied before each test, and whatever a test started on it closed after that test, newest first.
 */
final class SharedRedis implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {
    private final List<AutoCloseable> started = new ArrayList<>();
    private RedisProcess redis;

    @Override
    public void beforeAll(ExtensionContext context) {
        redis = RedisProcess.start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        assertEquals("+OK", redis.command("FLUSHALL"));
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (AutoCloseable each : started) {
            each.close();
        }
        started.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (redis != null) {
            redis.close();
        }
    }

    RedisProcess process() {
        return redis;
    }

    /** Closes {@code thing} after the test (before what was started earlier). */
    <T extends AutoCloseable> T closedAfterTest(T thing) {
        started.add(0, thing);
        return thing;
    }

    /** Forgets {@code thing}: the test closed it itself. */
    void forget(AutoCloseable thing) {
        started.remove(thing);
    }
}
