package nodecast;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.OptionMap;
import org.xnio.Options;
import org.xnio.Xnio;
import org.xnio.XnioWorker;

/** A running nodecast: its message log, its broadcaster and the Undertow handler chain in front of them. */
final class NodecastServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NodecastServer.class);
    /** The most messages one response carries; a client far behind asks again from the last id + 1. */
    static final int BATCH_LIMIT = 1_000;

    private final MessageLog log;
    private final XnioWorker worker;
    private final Broadcaster broadcaster;
    private final Undertow undertow;

    private NodecastServer(Config config, Clock clock) throws IOException {
        log = config.redis() == null
                ? new MemoryMessageLog(config.maxMessages(), clock)
                : new RedisMessageLog(config.redis(), config.maxMessages(), clock);
        int cores = Runtime.getRuntime().availableProcessors();
        worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, cores)
                // Worker threads only run log calls (Redis round trips), never parked requests.
                .set(Options.WORKER_TASK_CORE_THREADS, 8 * cores)
                .set(Options.WORKER_TASK_MAX_THREADS, 8 * cores)
                .set(Options.TCP_NODELAY, true)
                .getMap());
        broadcaster = new Broadcaster(log, worker, config.maxMessages(), BATCH_LIMIT);
        FormPage form = new FormPage();
        ClassLoader classes = NodecastServer.class.getClassLoader();

        HttpHandler routes = Handlers.path(staticFiles(classes, "web/"))
                .addExactPath("/wait", MethodFilter.get(MessagesHandler.waiting(broadcaster, config.waitTimeout())))
                .addExactPath("/since", MethodFilter.get(MessagesHandler.immediate(broadcaster)))
                .addExactPath("/message-form", MethodFilter.get(exchange -> Replies.html(exchange, 200, form.render())))
                .addExactPath("/submit-message", MethodFilter.post(new SubmitHandler(log, form, config.maxMessageLength())))
                .addExactPath("/clear-messages", MethodFilter.post(new ClearHandler(log, form)))
                .addExactPath("/healthz", MethodFilter.get(HealthHandler.live()))
                .addExactPath("/readyz", MethodFilter.get(HealthHandler.ready(log, broadcaster, broadcaster::isClosing)))
                .addPrefixPath("/webjars", staticFiles(classes, "META-INF/resources/webjars/"));

        long idleMillis = config.waitTimeout().toMillis() + 30_000;
        undertow = Undertow.builder()
                .setWorker(worker)
                .addHttpListener(config.port(), config.host())
                // Thousands of viewers re-poll in the same instant after a broadcast.
                .setSocketOption(Options.BACKLOG, 16_384)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                // A parked request is idle by design: only drop connections idle well past the wait timeout.
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, (int) idleMillis)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) idleMillis)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, 16 * 1024)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, PublishRequest.MAX_BODY_BYTES)
                .setHandler(closeConnectionsWhenClosing(routes))
                .build();
    }

    static NodecastServer start(Config config, Clock clock) {
        NodecastServer server;
        try {
            server = new NodecastServer(config, clock);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The log feeds the broadcaster before the first request can reach either.
        server.log.start(server.broadcaster);
        try {
            server.undertow.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info("nodecast listening on http://{}:{}/ with the {}", config.host(), server.port(), server.log.describe());
        return server;
    }

    /** While shutting down, every response closes its connection, so keep-alive clients move to another instance. */
    private HttpHandler closeConnectionsWhenClosing(HttpHandler next) {
        return exchange -> {
            if (broadcaster.isClosing()) {
                exchange.setPersistent(false);
            }
            next.handleRequest(exchange);
        };
    }

    private static HttpHandler staticFiles(ClassLoader classes, String prefix) {
        return new ResourceHandler(new ClassPathResourceManager(classes, prefix))
                .setWelcomeFiles("index.html")
                .setDirectoryListingEnabled(false);
    }

    int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    Broadcaster broadcaster() {
        return broadcaster;
    }

    /**
     * Stops gracefully: parked viewers are answered at once (empty, closing their connections) so
     * they re-poll, through the load balancer, on another instance with the id they hold; then the
     * listener closes, in-flight publishes get a moment to finish, and the log is closed.
     */
    @Override
    public void close() {
        broadcaster.releaseAll();
        undertow.stop();
        worker.shutdown();
        try {
            if (!worker.awaitTermination(2, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        log.close();
        LOG.info("nodecast stopped");
    }
}
