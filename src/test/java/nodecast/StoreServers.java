package nodecast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts test servers on either {@link Store}, sharing one redis-server for a whole test class
 * (flushed before each server, so every test starts from an empty log).
 * Call {@link #stopServers()} after each test and {@link #close()} after the class.
 */
final class StoreServers implements AutoCloseable {
    private final List<TestServer> started = new ArrayList<>();
    private RedisProcess redis;

    TestServer start(Store store, Duration waitTimeout) {
        TestServer server;
        if (store == Store.MEMORY) {
            server = TestServer.start(null, waitTimeout);
        } else {
            if (redis == null) {
                redis = RedisProcess.start();
            }
            if (!redis.command("FLUSHALL").equals("+OK")) {
                throw new IllegalStateException("cannot empty the test Redis");
            }
            server = TestServer.start(redis.uri(), waitTimeout);
        }
        started.add(server);
        return server;
    }

    void stopServers() {
        started.forEach(TestServer::close);
        started.clear();
    }

    @Override
    public void close() {
        stopServers();
        if (redis != null) {
            redis.close();
        }
    }
}
