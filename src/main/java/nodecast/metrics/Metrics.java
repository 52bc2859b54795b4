package nodecast.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.server.ExchangeCompletionListener;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** Every number nodecast reports, in Prometheus's text format at {@code GET /metrics}. */
public final class Metrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer publishLatency = Timer.builder("nodecast.publish.latency")
            .description("Time to store a published message in the log").publishPercentileHistogram().register(registry);
    private final Timer fanOut = Timer.builder("nodecast.fanout")
            .description("Time from a message reaching this instance to every waiting answer being handed to the IO threads")
            .publishPercentileHistogram().register(registry);
    private final Counter deliveries = Counter.builder("nodecast.deliveries")
            .description("Answers to /wait and /since that carried messages").register(registry);
    private final Counter deliveredMessages = Counter.builder("nodecast.delivered.messages")
            .description("Messages sent to viewers, counting each copy").register(registry);
    private final Counter timeouts = Counter.builder("nodecast.wait.timeouts")
            .description("Parked requests answered [] at the wait timeout").register(registry);
    private final Counter disconnects = Counter.builder("nodecast.wait.disconnects")
            .description("Parked requests whose client went away").register(registry);
    private final Counter redisErrors = Counter.builder("nodecast.redis.errors")
            .description("Redis commands that failed").register(registry);
    private final Counter logRenewals = Counter.builder("nodecast.log.renewals")
            .description("Logs replaced by this instance because their id sequence went back").register(registry);
    private final Counter logGone = Counter.builder("nodecast.log.gone")
            .description("Viewers answered 409: the log their ids belong to is gone").register(registry);
    private final StreamQueues streamQueues = new StreamQueues();

    {
        Gauge.builder("nodecast.stream.queued.bytes", streamQueues, StreamQueues::bytes)
                .description("Bytes the streams' queues hold for their clients now, each frame's own cost on the heap included").register(registry);
        Gauge.builder("nodecast.stream.queued.frames", streamQueues, StreamQueues::frames)
                .description("Frames the streams' queues hold for their clients now").register(registry);
        Gauge.builder("nodecast.stream.queue.most.bytes", streamQueues, StreamQueues::mostHeldByOne)
                .description("The most one stream's queue has held at once since start, counted as nodecast.stream.queued.bytes").register(registry);
    }

    /** Counts every answer of 400 or more by status: the reason a request was refused. */
    public final ExchangeCompletionListener refusals = (exchange, next) -> {
        if (exchange.getStatusCode() >= 400) {
            registry.counter("nodecast.refused.requests", "status", Integer.toString(exchange.getStatusCode())).increment();
        }
        next.proceed();
    };

    /** What every stream's queue reports its changes to. */
    public StreamQueues streamQueues() {
        return streamQueues;
    }

    public void watchChannels(IntSupplier channels) {
        Gauge.builder("nodecast.channels", channels::getAsInt).description("Channels held in this instance's memory now").register(registry);
    }

    public void watchParked(IntSupplier parked) {
        Gauge.builder("nodecast.parked.requests", parked::getAsInt).description("Requests waiting for messages now").register(registry);
    }

    public void watchStreams(IntSupplier streams) {
        Gauge.builder("nodecast.streams", streams::getAsInt).description("Event streams open now").register(registry);
    }

    public void watchFailingChannels(IntSupplier failing) {
        Gauge.builder("nodecast.redis.failing.channels", failing::getAsInt)
                .description("Channels followed here whose last read from Redis failed (their names are in the log)").register(registry);
    }

    public void published(long nanos) {
        publishLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void fannedOut(long nanos) {
        fanOut.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void delivered(int messages) {
        if (messages > 0) {
            deliveries.increment();
            deliveredMessages.increment(messages);
        }
    }

    /** Messages written to streams, each copy counted, as for long-poll answers. */
    public void streamed(int messages) {
        deliveredMessages.increment(messages);
    }

    /** {@code reason}: slow (its queue was full), client (the client left or could not be written to) or shutdown. */
    public void streamDisconnected(String reason) {
        registry.counter("nodecast.stream.disconnects", "reason", reason).increment();
    }

    /** {@code transport}: poll, sse or ws. A viewer turned away at --max-waiters, told to come back later. */
    public void turnedAway(String transport) {
        registry.counter("nodecast.viewers.turned.away", "transport", transport).increment();
    }

    public void timedOut() {
        timeouts.increment();
    }

    public void disconnected() {
        disconnects.increment();
    }

    public void redisError() {
        redisErrors.increment();
    }

    /** {@code cause}: subscribed, gap, new-log, went-back or garbled. */
    public void resync(String cause) {
        registry.counter("nodecast.redis.resyncs", "cause", cause).increment();
    }

    /** A channel's read failed, by {@code reason}: unavailable (Redis away or refusing) or damaged (data nodecast never writes). */
    public void channelFailed(String reason) {
        registry.counter("nodecast.redis.channel.failures", "reason", reason).increment();
    }

    public void logRenewed() {
        logRenewals.increment();
    }

    public void logGone() {
        logGone.increment();
    }

    /** {@code purpose}: resync (the newest messages) or old-ids (a viewer's ids older than memory holds). */
    public void logRead(String purpose) {
        registry.counter("nodecast.log.reads", "purpose", purpose).increment();
    }

    /** {@code cause}: lost (the connection failed) or deaf (no heartbeat heard, so dropped on purpose). */
    public void subscriptionDropped(String cause) {
        registry.counter("nodecast.redis.subscription.reconnects", "cause", cause).increment();
    }

    public String scrape() {
        return registry.scrape();
    }
}
