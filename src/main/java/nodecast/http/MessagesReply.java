package nodecast.http;

import io.undertow.server.HttpServerExchange;
import nodecast.fanout.Batch;
import nodecast.metrics.Metrics;

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

    /** Runs {@code task} on the exchange's IO thread: now if this is it, else next. Every answer is written there. */
    static void onIoThread(HttpServerExchange exchange, Runnable task) {
        if (exchange.getIoThread() == Thread.currentThread()) {
            task.run();
        } else {
            exchange.getIoThread().execute(task);
        }
    }
}
