package nodecast.stream;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Catchup;
import nodecast.fanout.Follower;
import nodecast.fanout.Start;
import nodecast.http.MessageQuery;
import nodecast.log.Message;
import nodecast.metrics.Metrics;
import org.xnio.XnioExecutor;
import org.xnio.XnioIoThread;

/**
 * One stream of a channel, whatever the transport: the channel's messages from where the viewer
 * starts, then live, with gaps, clears and resets told in band, all within {@code
 * --max-queued-bytes} of what its sink holds. A transport ({@link EventStream}, {@link
 * WebSocketStream}) gives it its frames and its sink, says how to keep the connection alive and
 * closes it.
 *
 * <pre>
 *                 pull found messages: queue those that fit, pull again once there is room
 *                   +-----+
 *                   v     |
 *   open --&gt; CATCHING_UP -+--pull found none (made live in that same step)--&gt; LIVE
 *                   ^   |                                                    |
 *                   |   +-- pull before the first sync: wait for onResync     |
 *                   +-------------- onResync (the log was read afresh) &lt;----+
 *
 *   CATCHING_UP, LIVE, every keepalive period (the tick):
 *       nothing waits                                  --&gt; the transport's keepalive (a WebSocket may find its client gone)
 *       bytes wait, the socket took some since the last tick --&gt; carry on
 *       bytes wait, the socket took none for two periods --&gt; ENDED (slow)
 *   LIVE --a message or clear that does not fit in the queue--&gt; ENDED (slow)
 *   any state --client gone | write failed | shutdown--&gt; ENDED
 * </pre>
 *
 * Every change of state happens on the connection's IO thread: the broadcaster's calls, the
 * pulls, the write listener and the tick. The broadcaster calls the stream there, in the order the
 * log made the changes (one task per IO thread per change, for all the streams of that thread);
 * pulls are made there and what they find is queued in the same task, so a message pushed after a
 * pull made the stream live is handled after what that pull found. A push the stream does not
 * need (it is not live any more, or has the id already from a later pull, or belongs to a log it
 * has left) is dropped. Catching up is paced by the client, so it never overflows the queue; a
 * client that stops reading, catching up or live, is found by the tick. The tick and the writes
 * share the thread, so a write just before a tick counts as progress: a stream is let go only
 * after two whole periods without a byte taken. ENDED is final: the tick is cancelled, the
 * follower removed from the broadcaster, the sink dropped and the transport closes the connection
 * (its watches with it); the client resumes from its last id.
 */
abstract class ChannelStream implements Follower {
    /** Messages per pull: a long catch-up goes in small steps, each a task of its own on the IO thread. */
    private static final int PULL_LIMIT = 32;
    /** Keepalive periods in a row without a byte taken, while bytes wait, after which the client counts as slow. */
    private static final int STALLED_PERIODS = 2;

    private enum State { CATCHING_UP, LIVE, ENDED }

    protected final XnioIoThread ioThread;
    private final Broadcaster broadcaster;
    /** Where the viewer starts; the query's log, which a client may make as long as a header, is not kept past the first pull. */
    private final Start start;
    private final StreamFrames frames;
    private final Metrics metrics;
    private final long maxQueuedBytes;
    private final Duration keepaliveEvery;
    /** The keepalive period as hello tells it: whole seconds as such, else with their fraction. */
    private final Number keepaliveSeconds;

    // Touched on the IO thread only.
    private State state = State.CATCHING_UP;
    /** The log the ids sent belong to: the one the query names until the first pull. */
    private String log;
    /** The id of the next message to send. */
    private long next;
    private boolean greeted;
    private StreamSink sink;
    private XnioExecutor.Key ticks;
    /** What the sink had written at the last tick, and how many ticks in a row found it unchanged. */
    private long writtenAtTick;
    private int quietPeriods;

    ChannelStream(XnioIoThread ioThread, Broadcaster broadcaster, MessageQuery query, StreamFrames frames, Metrics metrics,
            long maxQueuedBytes, Duration keepaliveEvery) {
        this.ioThread = ioThread;
        this.broadcaster = broadcaster;
        this.start = query.start();
        this.frames = frames;
        this.metrics = metrics;
        this.maxQueuedBytes = maxQueuedBytes;
        this.keepaliveEvery = keepaliveEvery;
        long millis = keepaliveEvery.toMillis();
        this.keepaliveSeconds = millis % 1_000 == 0 ? (Number) (millis / 1_000) : (Number) (millis / 1_000.0);
        this.log = query.log();
    }

    /** Starts sending into {@code sink}, on the IO thread, once the transport is ready. */
    final void begin(StreamSink sink) {
        this.sink = sink;
        ticks = ioThread.executeAtInterval(this::tick, keepaliveEvery.toMillis(), TimeUnit.MILLISECONDS);
        catchUp();
    }

    /** Nothing waits for the client, every keepalive period: sends the transport's keepalive, within the bound. */
    protected void keepalive() {
        if (queued(frames.keepalive())) {
            flush();
        }
    }

    /** Sends a keepalive now, unless bytes wait: whatever comes of writing it shows whether the client is still there. */
    final void probe() {
        if (state != State.ENDED && sink.held() == 0) {
            keepalive();
        }
    }

    /** The connection took bytes since the last tick, besides the keepalive: the client is there, reading. */
    protected void reading() {
    }

    /** How the transport lets the connection go once the stream has ended. */
    protected abstract void close(StreamEnd reason);

    /**
     * Pulls the next messages the stream lacks while its queue is at most half full, and queues
     * those that fit within the bound: catching up is paced by the client. Each step that leaves
     * room runs the next as a task of its own; one that fills the queue waits for the write listener.
     */
    private void catchUp() {
        if (state != State.CATCHING_UP || sink.held() > maxQueuedBytes / 2) {
            return;
        }
        Catchup found = broadcaster.pull(this, greeted ? Start.at(next) : start, log, PULL_LIMIT);
        boolean tookAll = found == null || take(found);
        // Written even when the pull found nothing yet (the channel not synced): the headers go out now.
        boolean drained = flush();
        if (found != null && state == State.CATCHING_UP && (drained || tookAll && sink.held() <= maxQueuedBytes / 2)) {
            ioThread.execute(this::catchUp);
        }
    }

    /** Queues what {@code found} holds, its messages as long as they fit; true if they all did. */
    private boolean take(Catchup found) {
        if (!greeted) {
            sink.add(frames.hello(found.logId(), found.first(), keepaliveSeconds));
            greeted = true;
        }
        if (log != null && !log.equals(found.logId())) {
            sink.add(frames.reset(found.logId()));
        }
        log = found.logId();
        if (found.first() > found.from()) {
            sink.add(frames.gap(log, found.from(), found.first()));
        }
        next = found.first();
        int taken = 0;
        for (Message message : found.messages()) {
            if (!sink.offer(broadcaster.encoded(log, message, frames.message()))) {
                break;
            }
            next = message.id() + 1;
            taken++;
        }
        metrics.streamed(taken);
        if (found.isLive()) {
            state = State.LIVE;
        }
        return taken == found.messages().size();
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
        if (queued(broadcaster.encoded(log, message, frames.message()))) {
            next = message.id() + 1;
            metrics.streamed(1);
            flush();
        }
    }

    @Override
    public void onCleared(String logId, long nextId) {
        long after = Math.max(next, nextId);
        if (state != State.ENDED && logId.equals(log) && queued(frames.clear(log, nextId, after))) {
            next = after;
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
        onIoThread(() -> end(StreamEnd.SHUTDOWN));
    }

    /**
     * Every keepalive period. Counting what the socket took between two ticks tells a client that
     * reads slowly (it takes some) from one that has stopped (it takes none).
     */
    private void tick() {
        if (state == State.ENDED) {
            return;
        }
        boolean waiting = sink.held() > 0;
        if (waiting) {
            // Epoll says writable only once a third of the kernel's buffer is free: a client that reads slowly
            // behind a buffer of megabytes would seem to take nothing for many periods. A write now tells.
            writable();
            if (state == State.ENDED) {
                return;
            }
        }
        boolean tookSome = sink.written() != writtenAtTick;
        quietPeriods = tookSome ? 0 : quietPeriods + 1;
        if (tookSome) {
            reading();
        }
        if (!waiting) {
            // Bytes that wait show life by going, or the stream has stalled: a keepalive is only for a quiet stream.
            keepalive();
        } else if (quietPeriods >= STALLED_PERIODS) {
            end(StreamEnd.SLOW);
        }
        // Taken after the keepalive: what the kernel takes of the keepalive itself says nothing of the client.
        writtenAtTick = sink.written();
    }

    /** Queues a frame within the bound; a client too slow for that is disconnected, and resumes from its last id. */
    private boolean queued(ByteBuffer frame) {
        if (sink.offer(frame)) {
            return true;
        }
        end(StreamEnd.SLOW);
        return false;
    }

    /** The connection takes bytes again, or the transport queued a frame of its own: write what it takes, and catch up if there is room. */
    final void writable() {
        flush();
        catchUp();
    }

    /** Writes what the connection takes; true when nothing is left to write. */
    private boolean flush() {
        if (state == State.ENDED) {
            return false;
        }
        try {
            return sink.flush();
        } catch (IOException e) {
            end(StreamEnd.CLIENT);
            return false;
        }
    }

    /** Ends the stream, once, whatever ended it. */
    final void end(StreamEnd reason) {
        if (state == State.ENDED) {
            return;
        }
        state = State.ENDED;
        if (ticks != null) {
            ticks.remove();
        }
        broadcaster.unfollow(this);
        if (sink != null) {
            sink.clear();
        }
        metrics.streamDisconnected(reason.metricTag);
        close(reason);
    }

    final boolean ended() {
        return state == State.ENDED;
    }

    /** The connection is closed, however: the stream ends if it has not, and its sink holds nothing more. */
    final void connectionClosed() {
        end(StreamEnd.CLIENT);
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
