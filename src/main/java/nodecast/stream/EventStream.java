package nodecast.stream;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import nodecast.fanout.Broadcaster;
import nodecast.http.DisconnectWatch;
import nodecast.http.MessageQuery;
import nodecast.metrics.Metrics;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;

/**
 * One Server-Sent Events stream ({@link ChannelStream} says what it sends): the response body,
 * written straight to the response channel through a bounded {@link Outbound}, a keepalive
 * event every quiet keepalive period, and the socket watched for the client leaving. A client that
 * closes its sending side goes on getting the stream (it may only have half-closed); if it closed
 * for good, the keepalives sent then find that out within a second. Ending it stops the watch and
 * closes the connection.
 */
final class EventStream extends ChannelStream {
    private static final HttpString ACCEL_BUFFERING = new HttpString("X-Accel-Buffering");
    /** How long after its client closed its side a stream checks whether it can still write to it: a reset comes within a round trip. */
    private static final long PROBE_AFTER_MILLIS = 1_000;

    private final HttpServerExchange exchange;
    private final Metrics metrics;
    private final long maxQueuedBytes;
    private final long keepaliveMillis;
    // Set on the IO thread when the stream starts, and when its client has closed its side.
    private DisconnectWatch disconnectWatch;
    private XnioExecutor.Key secondProbe;

    private EventStream(HttpServerExchange exchange, Broadcaster broadcaster, MessageQuery query, Metrics metrics, long maxQueuedBytes,
            Duration keepaliveEvery) {
        super(exchange.getIoThread(), broadcaster, query, SseFrames.SSE, metrics, maxQueuedBytes, keepaliveEvery);
        this.exchange = exchange;
        this.metrics = metrics;
        this.maxQueuedBytes = maxQueuedBytes;
        this.keepaliveMillis = keepaliveEvery.toMillis();
    }

    /** Answers {@code exchange} with a stream of {@code broadcaster}'s channel. Call from the handler, on the IO thread. */
    static void open(HttpServerExchange exchange, Broadcaster broadcaster, MessageQuery query, Metrics metrics,
            Duration keepaliveEvery, long maxQueuedBytes) {
        head(exchange);
        EventStream stream = new EventStream(exchange, broadcaster, query, metrics, maxQueuedBytes, keepaliveEvery);
        // Dispatching keeps the exchange open after the handler returns; the task runs right after, on this thread.
        exchange.dispatch(SameThreadExecutor.INSTANCE, stream::start);
    }

    /**
     * Answers an EventSource turned away at capacity: 200, as anything else would stop it for good,
     * with a stream that says when to come back ({@link SseFrames#busy}) and ends there. The
     * connection closes with it: a viewer turned away holds nothing once answered.
     */
    static void busy(HttpServerExchange exchange, int retrySeconds) {
        head(exchange);
        exchange.setPersistent(false);
        exchange.getResponseSender().send(SseFrames.busy(retrySeconds));
    }

    private static void head(HttpServerExchange exchange) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders()
                .put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .put(Headers.CACHE_CONTROL, "no-store")
                // nginx would otherwise buffer the stream and hold back every event.
                .put(ACCEL_BUFFERING, "no");
    }

    private void start() {
        StreamSinkChannel channel = exchange.getResponseChannel();
        channel.getWriteSetter().set(ready -> writable());
        disconnectWatch = DisconnectWatch.forStream(exchange, new DisconnectWatch.Client() {
            @Override
            public void gone() {
                end(StreamEnd.CLIENT);
            }

            @Override
            public void closedItsSide() {
                // Half-closed, it still reads; closed for good, it answers what is sent next with a reset, which the
                // write after that finds: a keepalive now, and another a moment later, find it within that moment.
                probe();
                if (!ended()) {
                    secondProbe = ioThread.executeAfter(EventStream.this::probe, Math.min(keepaliveMillis, PROBE_AFTER_MILLIS),
                            TimeUnit.MILLISECONDS);
                }
            }
        });
        // However else the connection closes (idle timeout, a reset seen by Undertow), the stream ends with it.
        exchange.getConnection().addCloseListener(connection -> onIoThread(this::connectionClosed));
        begin(new Outbound(channel, maxQueuedBytes, metrics.streamQueues()));
    }

    @Override
    protected void close(StreamEnd reason) {
        if (secondProbe != null) {
            secondProbe.remove();
        }
        disconnectWatch.stop();
        IoUtils.safeClose(exchange.getConnection());
    }
}
