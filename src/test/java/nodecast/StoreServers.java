package nodecast;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts test servers on either {@link Store}, sharing one redis-server for a whole test class
 * (flushed before each server, so every test starts from an empty log). Registered as an
 * extension ({@code @RegisterExtension static final StoreServers servers = new StoreServers();}),
 * it stops a test's servers after the test and the redis-server after the class.
 */
final class StoreServers implements AutoCloseable, AfterEachCallback, AfterAllCallback {
    private final List<TestServer> started = new ArrayList<>();
    private RedisProcess redis;

    TestServer start(Store store, Duration waitTimeout) {
        return start(store, redisUri -> TestServer.start(redisUri, waitTimeout));
    }

    /** A server configured as the tests' default ({@link TestServer#config}), then by {@code configured}. */
    TestServer configured(Store store, UnaryOperator<Config.Builder> configured) {
        return start(store, redisUri -> TestServer.start(
                configured.apply(TestServer.config(redisUri, TestServer.WAIT_TIMEOUT, 0).toBuilder()).build(), Clock.systemUTC()));
    }

    /** A server whose wait timeouts fire only when the test says (see {@link TestServer#timeouts}). */
    TestServer withManualTimeouts(Store store) {
        return start(store, TestServer::withManualTimeouts);
    }

    private TestServer start(Store store, Function<URI, TestServer> starter) {
        return started(starter.apply(store == Store.REDIS ? freshRedisUri() : null));
    }

    /** Stops {@code server} with the others after the test. */
    TestServer started(TestServer server) {
        started.add(server);
        return server;
    }

    /** The shared redis-server, emptied: for a test's first server on it. */
    URI freshRedisUri() {
        URI uri = redisUri();
        if (!redis.command("FLUSHALL").equals("+OK")) {
            throw new IllegalStateException("cannot empty the test Redis");
        }
        return uri;
    }

    /** The shared redis-server as it is: for a second server on what a first one holds. */
    URI redisUri() {
        if (redis == null) {
            redis = RedisProcess.start();
        }
        return redis.uri();
    }

    /** The shared redis-server, for a test that acts on it as a failure would. */
    RedisProcess redis() {
        redisUri();
        return redis;
    }

    void stopServers() {
        started.forEach(TestServer::close);
        started.clear();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        stopServers();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void close() {
        stopServers();
        if (redis != null) {
            redis.close();
        }
    }
}
