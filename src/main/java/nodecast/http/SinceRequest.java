package nodecast.http;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.SameThreadExecutor;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import nodecast.fanout.Batch;
import nodecast.fanout.Broadcaster;
import nodecast.fanout.Waiter;
import nodecast.metrics.Metrics;

/**
 * A {@code /since} request: answered once, as soon as the broadcaster has its messages (at once
 * from memory, or after a log read on a worker thread). It never waits for new messages.
 */
final class SinceRequest implements Waiter {
    private final HttpServerExchange exchange;
    private final MessageQuery query;
    private final Metrics metrics;
    private final AtomicBoolean answered = new AtomicBoolean();

    private SinceRequest(HttpServerExchange exchange, MessageQuery query, Metrics metrics) {
        this.exchange = exchange;
        this.query = query;
        this.metrics = metrics;
    }

    /** Answers {@code exchange} with the messages {@code query} asks for. Call from the handler, on the IO thread. */
    static void answer(HttpServerExchange exchange, Broadcaster broadcaster, MessageQuery query, Metrics metrics) {
        SinceRequest request = new SinceRequest(exchange, query, metrics);
        // Dispatching keeps the exchange open after the handler returns, in case the answer needs a log read.
        exchange.dispatch(SameThreadExecutor.INSTANCE, () -> broadcaster.since(query.start(), request));
    }

    @Override
    public Executor thread() {
        return exchange.getIoThread();
    }

    @Override
    public void deliver(Batch batch) {
        if (answered.compareAndSet(false, true)) {
            MessagesReply.onIoThread(exchange.getIoThread(), () -> MessagesReply.send(exchange, query, batch, metrics));
        }
    }

    @Override
    public void fail(String reason) {
        if (answered.compareAndSet(false, true)) {
            MessagesReply.onIoThread(exchange.getIoThread(), () -> Replies.error(exchange, 503, reason));
        }
    }

    @Override
    public boolean isFinished() {
        return answered.get();
    }
}
