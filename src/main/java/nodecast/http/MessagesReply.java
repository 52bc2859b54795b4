package nodecast.http;

import io.undertow.server.HttpServerExchange;
import nodecast.fanout.Batch;
import nodecast.metrics.Metrics;
import org.xnio.XnioIoThread;

/** The answer to {@code /wait} and {@code /since}: the messages, unless they belong to another log than the one the client follows. */
final class MessagesReply {
    private MessagesReply() {
    }

    /**
     * The log can be replaced while a request waits (Redis lost its data). A client that named the
     * log it follows must not get ids of another log as if they were the next ones of its own.
     */
    static void send(HttpServerExchange exchange, MessageQuery query, Batch batch, Metrics metrics) {
        if (batch.logId() != null && !query.follows(batch.logId())) {
            metrics.logGone();
            Replies.logGone(exchange, batch.logId());
        } else {
            metrics.delivered(batch.messages().size());
            Replies.batch(exchange, batch);
        }
    }

    /** Runs {@code task} on {@code ioThread}, the exchange's: now if this is it, else next. Every answer is written there. */
    static void onIoThread(XnioIoThread ioThread, Runnable task) {
        if (ioThread == Thread.currentThread()) {
            task.run();
        } else {
            ioThread.execute(task);
        }
    }
}
