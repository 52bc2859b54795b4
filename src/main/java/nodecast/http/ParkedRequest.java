package nodecast.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import nodecast.fanout.Batch;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Waiter;
import nodecast.metrics.Metrics;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;

/**
 * A {@code /wait} request held open without a thread until a message, the timeout or the
 * client's disconnect, whichever comes first.
 *
 * <pre>
 *   parked --deliver()/fail()--&gt; finished: response sent (on the IO thread)
 *   parked --timer-------------&gt; finished: "[]" sent
 *   parked --connection reset--&gt; finished: connection closed, nothing sent
 *   parked --socket EOF--------&gt; parked: the client may have half-closed and still read; one gone
 *                                for good finds its answer's write fail
 * </pre>
 *
 * Whoever wins the compare-and-set on {@code finished} answers; the others find nothing to do.
 * The timer and the disconnect watch run on the connection's IO thread, as does every answer,
 * so tearing them down never races with them. Each way out removes the other two: the timer is
 * cancelled, the socket watch stopped, and the broadcaster forgets the waiter.
 */
final class ParkedRequest implements Waiter {
    private final HttpServerExchange exchange;
    /**
     * The exchange's, read once while its objects are in the cache: a message wakes thousands of
     * requests, and asking each exchange again costs a chain of cache misses per request.
     */
    private final XnioIoThread ioThread;
    private final Broadcaster broadcaster;
    private final MessageQuery query;
    private final Metrics metrics;
    private final AtomicBoolean finished = new AtomicBoolean();
    /** Touched only on the IO thread. */
    private Runnable cancelTimer;
    private DisconnectWatch disconnectWatch;

    private ParkedRequest(HttpServerExchange exchange, Broadcaster broadcaster, MessageQuery query, Metrics metrics) {
        this.exchange = exchange;
        this.ioThread = exchange.getIoThread();
        this.broadcaster = broadcaster;
        this.query = query;
        this.metrics = metrics;
    }

    /** Parks {@code exchange} for the messages {@code query} asks for. Call from the handler, on the IO thread. */
    static void park(HttpServerExchange exchange, Broadcaster broadcaster, MessageQuery query, Metrics metrics, WaitTimer timer, Duration timeout) {
        ParkedRequest request = new ParkedRequest(exchange, broadcaster, query, metrics);
        // Dispatching keeps the exchange open after the handler returns; the task runs right after, on this thread.
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> request.start(timer, timeout));
    }

    private void start(WaitTimer timer, Duration timeout) {
        cancelTimer = timer.schedule(ioThread, timeout, this::timedOut);
        disconnectWatch = DisconnectWatch.forWait(exchange, new DisconnectWatch.Client() {
            @Override
            public void gone() {
                disconnected();
            }

            @Override
            public void closedItsSide() {
                // Still parked: its answer comes as any other's.
            }
        });
        broadcaster.await(query.start(), this);
    }

    @Override
    public Executor thread() {
        return ioThread;
    }

    @Override
    public void deliver(Batch batch) {
        if (finished.compareAndSet(false, true)) {
            MessagesReply.onIoThread(ioThread, () -> {
                tearDown();
                if (broadcaster.isClosing()) {
                    exchange.setPersistent(false); // so the client's next poll opens a connection to another instance
                }
                MessagesReply.send(exchange, query, batch, metrics);
            });
        }
    }

    @Override
    public void fail(String reason) {
        if (finished.compareAndSet(false, true)) {
            MessagesReply.onIoThread(ioThread, () -> {
                tearDown();
                Replies.error(exchange, 503, reason);
            });
        }
    }

    @Override
    public boolean isFinished() {
        return finished.get();
    }

    private void timedOut() {
        cancelTimer = null;
        if (finished.compareAndSet(false, true)) {
            broadcaster.remove(this);
            tearDown();
            metrics.timedOut();
            MessagesReply.send(exchange, query, broadcaster.emptyBatch(), metrics);
        }
    }

    private void disconnected() {
        if (finished.compareAndSet(false, true)) {
            broadcaster.remove(this);
            tearDown();
            metrics.disconnected();
            IoUtils.safeClose(exchange.getConnection());
        }
    }

    private void tearDown() {
        disconnectWatch.stop();
        if (cancelTimer != null) {
            cancelTimer.run();
            cancelTimer = null;
        }
    }
}
