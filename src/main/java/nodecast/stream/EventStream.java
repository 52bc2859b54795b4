package nodecast.stream;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Catchup;
import nodecast.fanout.Follower;
import nodecast.fanout.Start;
import nodecast.http.DisconnectWatch;
import nodecast.http.MessageQuery;
import nodecast.log.Message;
import nodecast.metrics.Metrics;
import org.xnio.IoUtils;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;

/**
 * One Server-Sent Events stream: a channel's messages from where the viewer starts, then live,
 * with gaps, clears and resets told in band and a comment every keepalive period.
 *
 * <pre>
 *                 pull found messages: queue them, pull again while the queue has room
 *                   +-----+
 *                   v     |
 *   open --&gt; CATCHING_UP -+--pull found none (made live in that same step)--&gt; LIVE
 *                   ^   |                                                    |
 *                   |   +-- pull before the first sync: wait for onResync     |
 *                   +-------------- onResync (the log was read afresh) &lt;----+
 *
 *   any state --queue full (slow) | client gone | write failed | shutdown--&gt; ENDED
 * </pre>
 *
 * Every change of state happens on the connection's IO thread. The broadcaster's calls hop there
 * in the order the log made them; pulls are made there and what they find is queued in the same
 * task, so a message pushed after a pull made the stream live is handled after what that pull
 * found. What the stream does not need is dropped: a push that finds it no longer live, a
 * message before the id it asked to start at (one not published yet), anything of a log it has
 * left (a clear still on its way from the old log must not move it on in the new one).
 *
 * <p>ENDED is final: the follower is removed from the broadcaster, the keepalive timer
 * cancelled, the socket watch stopped, the queue dropped and the connection closed; the client
 * resumes elsewhere or later with {@code Last-Event-ID}.
 */
final class EventStream implements Follower {
    private static final HttpString ACCEL_BUFFERING = new HttpString("X-Accel-Buffering");
    /** Messages per pull: a long catch-up goes in small steps, each a task of its own on the IO thread. */
    private static final int PULL_LIMIT = 32;

    private enum State { CATCHING_UP, LIVE, ENDED }

    private final HttpServerExchange exchange;
    private final XnioIoThread ioThread;
    private final Broadcaster broadcaster;
    private final MessageQuery query;
    private final Metrics metrics;
    private final long maxQueuedBytes;

    // Touched on the IO thread only.
    private State state = State.CATCHING_UP;
    /** The log the ids sent belong to: the one the query names until the first pull. */
    private String log;
    /** The id of the next message to send. */
    private long next;
    private boolean greeted;
    private Outbound outbound;
    private DisconnectWatch disconnectWatch;
    private XnioExecutor.Key keepalive;

    private EventStream(HttpServerExchange exchange, Broadcaster broadcaster, MessageQuery query, Metrics metrics, long maxQueuedBytes) {
        this.exchange = exchange;
        this.ioThread = exchange.getIoThread();
        this.broadcaster = broadcaster;
        this.query = query;
        this.metrics = metrics;
        this.maxQueuedBytes = maxQueuedBytes;
        this.log = query.log();
    }

    /** Answers {@code exchange} with a stream of {@code broadcaster}'s channel. Call from the handler, on the IO thread. */
    static void open(HttpServerExchange exchange, Broadcaster broadcaster, MessageQuery query, Metrics metrics,
            Duration keepaliveEvery, long maxQueuedBytes) {
        exchange.setStatusCode(200);
        exchange.getResponseHeaders()
                .put(Headers.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .put(Headers.CACHE_CONTROL, "no-store")
                // nginx would otherwise buffer the stream and hold back every event.
                .put(ACCEL_BUFFERING, "no");
        EventStream stream = new EventStream(exchange, broadcaster, query, metrics, maxQueuedBytes);
        // Dispatching keeps the exchange open after the handler returns; the task runs right after, on this thread.
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> stream.start(keepaliveEvery));
    }

    private void start(Duration keepaliveEvery) {
        StreamSinkChannel sink = exchange.getResponseChannel();
        outbound = new Outbound(sink, maxQueuedBytes);
        sink.getWriteSetter().set(channel -> writable());
        keepalive = ioThread.executeAtInterval(this::keepalive, keepaliveEvery.toMillis(), TimeUnit.MILLISECONDS);
        disconnectWatch = DisconnectWatch.start(exchange, () -> end("client"));
        // However else the connection closes (idle timeout, a reset seen by Undertow), the stream ends with it.
        exchange.getConnection().addCloseListener(connection -> onIoThread(() -> end("client")));
        catchUp();
    }

    /**
     * Pulls the next messages the stream lacks, while fewer than half the bound's bytes wait:
     * catching up is paced by the client, so it never counts as being slow.
     */
    private void catchUp() {
        if (state != State.CATCHING_UP || outbound.bytes() >= maxQueuedBytes / 2) {
            return;
        }
        Catchup found = broadcaster.pull(this, greeted ? Start.at(next) : query.start(), log, PULL_LIMIT);
        if (found != null) {
            take(found);
        }
        // Sent even when the pull found nothing yet (the channel not synced): the headers go out now.
        if (flush() && found != null && state == State.CATCHING_UP) {
            ioThread.execute(this::catchUp);
        }
    }

    private void take(Catchup found) {
        if (!greeted) {
            outbound.add(SseFrames.hello(found.logId(), found.first()));
            greeted = true;
        }
        if (log != null && !log.equals(found.logId())) {
            outbound.add(SseFrames.reset(found.logId()));
        }
        log = found.logId();
        if (found.first() > found.from()) {
            outbound.add(SseFrames.gap(found.from(), found.first()));
        }
        next = found.first();
        for (Message message : found.messages()) {
            outbound.add(broadcaster.encoded(message, SseFrames.MESSAGE));
            next = message.id() + 1;
        }
        metrics.streamed(found.messages().size());
        if (found.isLive()) {
            state = State.LIVE;
        }
    }

    @Override
    public void onMessage(String logId, Message message) {
        // Encoded here, on the thread that pushes it to every stream: the first encodes, the others share it.
        ByteBuffer frame = broadcaster.encoded(message, SseFrames.MESSAGE);
        ioThread.execute(() -> {
            if (state != State.LIVE || !logId.equals(log) || message.id() < next) {
                return;
            }
            if (queued(frame)) {
                next = message.id() + 1;
                metrics.streamed(1);
                flush();
            }
        });
    }

    @Override
    public void onCleared(String logId, long nextId) {
        ioThread.execute(() -> {
            if (state != State.ENDED && logId.equals(log) && queued(SseFrames.clear(nextId))) {
                next = Math.max(next, nextId);
                flush();
            }
        });
    }

    @Override
    public void onResync() {
        ioThread.execute(() -> {
            if (state != State.ENDED) {
                state = State.CATCHING_UP;
                catchUp();
            }
        });
    }

    @Override
    public void end() {
        onIoThread(() -> end("shutdown"));
    }

    private void keepalive() {
        if (state != State.ENDED && queued(SseFrames.keepalive())) {
            flush();
        }
    }

    /** Queues a frame within the bound; a client too slow for that is disconnected, and resumes from its last id. */
    private boolean queued(ByteBuffer frame) {
        if (outbound.offer(frame)) {
            return true;
        }
        end("slow");
        return false;
    }

    /** The sink's write listener: the socket takes bytes again. */
    private void writable() {
        if (flush() && state == State.CATCHING_UP) {
            catchUp();
        }
    }

    /** Writes what the socket takes; true when nothing is left to write. */
    private boolean flush() {
        if (state == State.ENDED) {
            return false;
        }
        try {
            return outbound.flush();
        } catch (IOException e) {
            end("client");
            return false;
        }
    }

    /** {@code reason}: as {@link Metrics#streamDisconnected} counts it. */
    private void end(String reason) {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        broadcaster.unfollow(this);
        keepalive.remove();
        disconnectWatch.stop();
        outbound.clear();
        metrics.streamDisconnected(reason);
        IoUtils.safeClose(exchange.getConnection());
    }

    private void onIoThread(Runnable task) {
        if (Thread.currentThread() == ioThread) {
            task.run();
        } else {
            ioThread.execute(task);
        }
    }
}
