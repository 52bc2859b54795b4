package nodecast;

import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.PathHandler;
import io.undertow.server.handlers.resource.ClassPathResourceManager;
import io.undertow.server.handlers.resource.ResourceHandler;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Channels;
import nodecast.http.ChannelRouter;
import nodecast.http.Cors;
import nodecast.http.HealthHandler;
import nodecast.http.IoThreadTimers;
import nodecast.http.MethodFilter;
import nodecast.http.Replies;
import nodecast.http.SecurityHeaders;
import nodecast.http.SinceHandler;
import nodecast.http.ViewerLimit;
import nodecast.http.WaitHandler;
import nodecast.http.WaitTimer;
import nodecast.log.ChannelName;
import nodecast.log.MemoryMessageStore;
import nodecast.log.MessageStore;
import nodecast.log.redis.RedisMessageStore;
import nodecast.metrics.Metrics;
import nodecast.publish.BodyReader;
import nodecast.publish.ClearHandler;
import nodecast.publish.ClientAddress;
import nodecast.publish.FormPage;
import nodecast.publish.PublishAllowance;
import nodecast.publish.PublishGate;
import nodecast.publish.PublishRateLimit;
import nodecast.publish.PublisherKey;
import nodecast.publish.RefusalLog;
import nodecast.publish.RefusalReplies;
import nodecast.publish.SubmitHandler;
import nodecast.stream.EventsHandler;
import nodecast.stream.WebSocketHandler;
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

    private final MessageStore store;
    private final XnioWorker worker;
    private final Channels channels;
    private final Undertow undertow;
    /** Serves health and metrics when {@code --admin-port} is set; else null. */
    private final Undertow admin;
    private final String generatedKey;

    private NodecastServer(Config config, Clock clock, WaitTimer waitTimer) throws IOException {
        Metrics metrics = new Metrics();
        store = config.redis() == null
                ? new MemoryMessageStore(config.maxMessages(), config.maxChannels(), clock)
                : new RedisMessageStore(config.redis(), config.redisPrefix(), config.maxMessages(), config.redisRetry(), clock, metrics);
        int cores = Runtime.getRuntime().availableProcessors();
        worker = Xnio.getInstance().createWorker(OptionMap.builder()
                .set(Options.WORKER_IO_THREADS, cores)
                // Worker threads only run log calls (Redis round trips), never parked requests.
                .set(Options.WORKER_TASK_CORE_THREADS, 8 * cores)
                .set(Options.WORKER_TASK_MAX_THREADS, 8 * cores)
                .set(Options.TCP_NODELAY, true)
                .getMap());
        channels = new Channels(store, worker, metrics, config.maxMessages(), BATCH_LIMIT, config.channelIdle(), System::nanoTime);
        metrics.watchParked(channels::parkedCount);
        metrics.watchStreams(channels::streamCount);
        ViewerLimit viewerLimit = new ViewerLimit(channels, config.maxWaiters(), metrics);

        generatedKey = config.openPublishing() || config.publishKey() != null ? null : PublisherKey.generate();
        PublisherKey key = config.openPublishing() ? PublisherKey.open()
                : PublisherKey.required(generatedKey != null ? generatedKey : config.publishKey());
        FormPage form = new FormPage(!key.isOpen());
        RefusalReplies refusals = new RefusalReplies(form, new RefusalLog());
        PublishAllowance allowance = new PublishAllowance(new PublishRateLimit(config.publishRate(), System::nanoTime), key.isOpen());
        PublishGate gate = new PublishGate(key, allowance, new ClientAddress(config.trustedProxies()), new BodyReader(config.maxBodyBytes()), refusals);
        ClassLoader classes = NodecastServer.class.getClassLoader();

        // Every endpoint of a channel: under /c/NAME/ for any channel, and unprefixed for channel "default".
        Map<String, HttpHandler> endpoints = Map.of(
                "", MethodFilter.getOrHead(page(classes)),
                "wait", Cors.readableFrom(config.corsOrigin(),
                        MethodFilter.get(new WaitHandler(channels, viewerLimit, metrics, waitTimer, config.waitTimeout()))),
                "since", Cors.readableFrom(config.corsOrigin(), MethodFilter.get(new SinceHandler(channels, metrics))),
                "events", Cors.readableFrom(config.corsOrigin(),
                        MethodFilter.get(new EventsHandler(channels, viewerLimit, metrics, config.keepalive(), config.maxQueuedBytes()))),
                "ws", MethodFilter.get(new WebSocketHandler(channels, viewerLimit, metrics, config.keepalive(), config.maxQueuedBytes(),
                        config.corsOrigin())),
                "message-form", MethodFilter.get(exchange -> Replies.html(exchange, 200,
                        form.render(FormPage.Notice.NONE, exchange.getQueryParameters().getOrDefault("key", new ArrayDeque<>()).peekFirst()))),
                "submit-message", MethodFilter.post(new SubmitHandler(channels, gate, refusals, form, metrics, config.maxMessageLength())),
                "clear-messages", MethodFilter.post(new ClearHandler(channels, gate, refusals, form)));
        PathHandler routes = Handlers.path(staticFiles(classes, "web/"))
                .addPrefixPath("/c", new ChannelRouter(endpoints))
                .addPrefixPath("/webjars", staticFiles(classes, "META-INF/resources/webjars/"));
        // Unprefixed, the page is the static index.html, as are the other files.
        endpoints.forEach((path, endpoint) -> {
            if (!path.isEmpty()) {
                routes.addExactPath("/" + path, endpoint);
            }
        });
        PathHandler operations = config.adminPort() == Config.NO_ADMIN_PORT ? routes : Handlers.path();
        operations.addExactPath("/healthz", MethodFilter.get(HealthHandler.live()))
                .addExactPath("/readyz", MethodFilter.get(HealthHandler.ready(store, channels)))
                .addExactPath("/metrics", MethodFilter.get(exchange -> {
                    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8");
                    exchange.getResponseSender().send(metrics.scrape());
                }));

        long idleMillis = Math.max(config.waitTimeout().toMillis(), config.keepalive().toMillis()) + 30_000;
        undertow = Undertow.builder()
                .setWorker(worker)
                .addHttpListener(config.port(), config.host())
                // Thousands of viewers re-poll in the same instant after a broadcast.
                .setSocketOption(Options.BACKLOG, 16_384)
                .setSocketOption(Options.REUSE_ADDRESSES, true)
                // A parked request or a quiet stream is idle by design: only drop connections idle well past the
                // wait timeout and the keepalive period.
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, (int) idleMillis)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, (int) idleMillis)
                .setServerOption(UndertowOptions.MAX_HEADER_SIZE, config.maxHeaderBytes())
                // Undertow holds back the answer to a request followed by a pipelined one, to write both together:
                // a stream asked for with a byte after its request was never written, and its buffer (pooled) never freed.
                .setServerOption(UndertowOptions.BUFFER_PIPELINED_DATA, false)
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, (long) config.maxBodyBytes())
                .setHandler(withCommonHeaders(routes, config, metrics))
                .build();
        admin = config.adminPort() == Config.NO_ADMIN_PORT ? null : Undertow.builder()
                .setWorker(worker)
                .addHttpListener(config.adminPort(), config.host())
                .setHandler(operations)
                .build();
    }

    static NodecastServer start(Config config, Clock clock) {
        return start(config, clock, new IoThreadTimers());
    }

    /** {@code waitTimer}: what fires the timeouts of parked requests (tests fire them at will). */
    static NodecastServer start(Config config, Clock clock, WaitTimer waitTimer) {
        NodecastServer server;
        try {
            server = new NodecastServer(config, clock, waitTimer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // The default channel is taken up before the first request: readiness waits for its first sync.
        server.channels.broadcaster(ChannelName.DEFAULT);
        try {
            server.undertow.start();
            if (server.admin != null) {
                server.admin.start();
            }
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        LOG.info("nodecast listening on http://{}:{}/ with the {}", config.host(), server.port(), server.store.describe());
        if (server.admin != null) {
            LOG.info("health and metrics on http://{}:{}/metrics", config.host(), server.adminPort());
        }
        if (config.openPublishing()) {
            LOG.warn("publishing is open: anyone who reaches this server can publish and clear messages (--open-publishing)");
        } else if (server.generatedKey != null) {
            LOG.info("publish at http://{}:{}/message-form?key={} (a key made for this run; set one with --publish-key)",
                    config.host(), server.port(), server.generatedKey);
        }
        return server;
    }

    /**
     * Around every request: the security headers, a count of refusals, and on shutdown a closed
     * connection after each answer, so keep-alive clients move to another instance.
     */
    private HttpHandler withCommonHeaders(HttpHandler next, Config config, Metrics metrics) {
        HttpHandler secured = SecurityHeaders.around(MethodFilter.servedOnly(next));
        return exchange -> {
            exchange.addExchangeCompleteListener(metrics.refusals);
            if (channels.isClosing()) {
                exchange.setPersistent(false);
            }
            secured.handleRequest(exchange);
        };
    }

    /** The broadcast page, the same for every channel: its links are relative, and it reads its channel from its address. */
    private static HttpHandler page(ClassLoader classes) throws IOException {
        try (InputStream in = classes.getResourceAsStream("web/index.html")) {
            String html = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return exchange -> Replies.html(exchange, 200, html);
        }
    }

    private static HttpHandler staticFiles(ClassLoader classes, String prefix) {
        return new ResourceHandler(new ClassPathResourceManager(classes, prefix))
                .setWelcomeFiles("index.html")
                .setDirectoryListingEnabled(false);
    }

    int port() {
        return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    }

    int adminPort() {
        return ((InetSocketAddress) admin.getListenerInfo().get(0).getAddress()).getPort();
    }

    /** The broadcaster of channel {@code default}, taking it up if need be. */
    Broadcaster broadcaster() {
        return channels.broadcaster(ChannelName.DEFAULT);
    }

    Channels channels() {
        return channels;
    }

    /**
     * Stops gracefully: parked viewers are answered at once (empty, closing their connections) and
     * streams ended, so they re-poll or reconnect, through the load balancer, on another instance
     * with the id they hold; then the listener closes, in-flight publishes get a moment to finish,
     * and the log is closed.
     */
    @Override
    public void close() {
        channels.releaseAll();
        undertow.stop();
        if (admin != null) {
            admin.stop();
        }
        worker.shutdown();
        try {
            if (!worker.awaitTermination(2, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            worker.shutdownNow();
            Thread.currentThread().interrupt();
        }
        channels.close();
        store.close();
        LOG.info("nodecast stopped");
    }
}
