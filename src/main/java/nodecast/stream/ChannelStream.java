package nodecast.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Executor;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Catchup;
import nodecast.fanout.Follower;
import nodecast.fanout.Start;
import nodecast.http.MessageQuery;
import nodecast.log.Message;
import nodecast.metrics.Metrics;
import org.xnio.XnioIoThread;

/**
 * One stream of a channel, whatever the transport: the channel's messages from where the viewer
 * starts, then live, with gaps, clears and resets told in band. A transport ({@link EventStream},
 * {@link WebSocketStream}) gives it its frames and its sink, keeps the connection alive and
 * closes it.
 *
 * <pre>
 *                 pull found messages: queue them, pull again while the sink has room
 *                   +-----+
 *                   v     |
 *   open --&gt; CATCHING_UP -+--pull found none (made live in that same step)--&gt; LIVE
 *                   ^   |                                                    |
 *                   |   +-- pull before the first sync: wait for onResync     |
 *                   +-------------- onResync (the log was read afresh) &lt;----+
 *
 *   any state --sink full (slow) | client gone | write failed | shutdown--&gt; ENDED
 * </pre>
 *
 * Every change of state happens on the connection's IO thread. The broadcaster calls the stream
 * there, in the order the log made the changes (one task per IO thread per change, for all the
 * streams of that thread); pulls are made there and what they find is queued in the same task, so
 * a message pushed after a pull made the stream live is handled after what that pull found. A push the stream does not need (it is not live any more, or has the id already from a
 * later pull, or belongs to a log it has left) is dropped. ENDED is final: the follower is
 * removed from the broadcaster, the sink dropped and the transport closes the connection (its
 * timers and watches with it); the client resumes from its last id.
 */
abstract class ChannelStream implements Follower {
    /** Messages per pull: a long catch-up goes in small steps, each a task of its own on the IO thread. */
    private static final int PULL_LIMIT = 32;

    private enum State { CATCHING_UP, LIVE, ENDED }

    protected final XnioIoThread ioThread;
    private final Broadcaster broadcaster;
    private final MessageQuery query;
    private final StreamFrames frames;
    private final Metrics metrics;
    private final long maxQueuedBytes;

    // Touched on the IO thread only.
    private State state = State.CATCHING_UP;
    /** The log the ids sent belong to: the one the query names until the first pull. */
    private String log;
    /** The id of the next message to send. */
    private long next;
    private boolean greeted;
    private StreamSink sink;

    ChannelStream(XnioIoThread ioThread, Broadcaster broadcaster, MessageQuery query, StreamFrames frames, Metrics metrics,
            long maxQueuedBytes) {
        this.ioThread = ioThread;
        this.broadcaster = broadcaster;
        this.query = query;
        this.frames = frames;
        this.metrics = metrics;
        this.maxQueuedBytes = maxQueuedBytes;
        this.log = query.log();
    }

    /** Starts sending into {@code sink}, on the IO thread, once the transport is ready. */
    final void begin(StreamSink sink) {
        this.sink = sink;
        catchUp();
    }

    /** How the transport lets the connection go once the stream has ended; {@code reason} as {@link Metrics#streamDisconnected} counts it. */
    protected abstract void close(String reason);

    /**
     * Pulls the next messages the stream lacks, while fewer than half the bound's bytes wait:
     * catching up is paced by the client, so it never counts as being slow.
     */
    private void catchUp() {
        if (state != State.CATCHING_UP || sink.held() >= maxQueuedBytes / 2) {
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
            sink.add(frames.hello(found.logId(), found.first()));
            greeted = true;
        }
        if (log != null && !log.equals(found.logId())) {
            sink.add(frames.reset(found.logId()));
        }
        log = found.logId();
        if (found.first() > found.from()) {
            sink.add(frames.gap(found.from(), found.first()));
        }
        next = found.first();
        for (Message message : found.messages()) {
            sink.add(broadcaster.encoded(message, frames.message()));
            next = message.id() + 1;
        }
        metrics.streamed(found.messages().size());
        if (found.isLive()) {
            state = State.LIVE;
        }
    }

    @Override
    public Executor thread() {
        return ioThread;
    }

    @Override
    public void onMessage(String logId, Message message) {
        if (state != State.LIVE || !logId.equals(log) || message.id() < next) {
            return;
        }
        // The first stream to send it encodes it; the others share those bytes.
        if (queued(broadcaster.encoded(message, frames.message()))) {
            next = message.id() + 1;
            metrics.streamed(1);
            flush();
        }
    }

    @Override
    public void onCleared(String logId, long nextId) {
        if (state != State.ENDED && logId.equals(log) && queued(frames.clear(nextId))) {
            next = Math.max(next, nextId);
            flush();
        }
    }

    @Override
    public void onResync() {
        if (state != State.ENDED) {
            state = State.CATCHING_UP;
            catchUp();
        }
    }

    @Override
    public void end() {
        onIoThread(() -> end("shutdown"));
    }

    /** Sends a frame of the transport's own (a keepalive), within the bound. */
    final void send(ByteBuffer frame) {
        if (state != State.ENDED && queued(frame)) {
            flush();
        }
    }

    /** Queues a frame within the bound; a client too slow for that is disconnected, and resumes from its last id. */
    private boolean queued(ByteBuffer frame) {
        if (sink.offer(frame)) {
            return true;
        }
        end("slow");
        return false;
    }

    /** The connection takes bytes again, or the transport queued a frame of its own: write what it takes. */
    final void writable() {
        if (flush() && state == State.CATCHING_UP) {
            catchUp();
        }
    }

    /** Writes what the connection takes; true when nothing is left to write. */
    private boolean flush() {
        if (state == State.ENDED) {
            return false;
        }
        try {
            return sink.flush();
        } catch (IOException e) {
            end("client");
            return false;
        }
    }

    /** Ends the stream, once, whatever ended it; {@code reason} as {@link Metrics#streamDisconnected} counts it. */
    final void end(String reason) {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        broadcaster.unfollow(this);
        if (sink != null) {
            sink.clear();
        }
        metrics.streamDisconnected(reason);
        close(reason);
    }

    final boolean ended() {
        return state == State.ENDED;
    }

    /** The connection is closed, however: the stream ends if it has not, and its sink holds nothing more. */
    final void connectionClosed() {
        end("client");
        if (sink != null) {
            sink.discard();
        }
    }

    final void onIoThread(Runnable task) {
        if (Thread.currentThread() == ioThread) {
            task.run();
        } else {
            ioThread.execute(task);
        }
    }
}
