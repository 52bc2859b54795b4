package nodecast.publish;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import nodecast.fanout.Channels;
import nodecast.http.Channel;
import nodecast.http.Replies;
import nodecast.log.Appended;
import nodecast.log.LogUnavailableException;
import nodecast.log.Message;
import nodecast.log.UncertainWriteException;
import nodecast.metrics.Metrics;

/** {@code POST /submit-message}: validates the {@code text} field and appends it to the log of the request's channel. */
public final class SubmitHandler implements HttpHandler {
    private final Channels channels;
    private final PublishGate gate;
    private final RefusalReplies refusals;
    private final FormPage form;
    private final Metrics metrics;
    private final int maxLength;

    public SubmitHandler(Channels channels, PublishGate gate, RefusalReplies refusals, FormPage form, Metrics metrics, int maxLength) {
        this.channels = channels;
        this.gate = gate;
        this.refusals = refusals;
        this.form = form;
        this.metrics = metrics;
        this.maxLength = maxLength;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        gate.admit(exchange, admitted -> publish(exchange, admitted));
    }

    private void publish(HttpServerExchange exchange, Admitted admitted) {
        String idempotencyKey;
        try {
            idempotencyKey = IdempotencyKey.of(exchange);
        } catch (IllegalArgumentException e) {
            refusals.answer(exchange, new Refusal(400, e.getMessage()), admitted.keyToKeep());
            return;
        }
        String text = admitted.fields().get("text");
        String problem = problemWith(text);
        if (problem != null) {
            refusals.answer(exchange, new Refusal(400, problem), admitted.keyToKeep());
            return;
        }
        Appended appended;
        long started = System.nanoTime();
        try {
            appended = channels.log(Channel.of(exchange)).append(text, idempotencyKey);
        } catch (UncertainWriteException e) {
            refusals.answer(exchange, new Refusal(504, uncertain(e.doubt(), idempotencyKey != null)), admitted.keyToKeep());
            return;
        } catch (LogUnavailableException e) {
            refusals.answer(exchange, new Refusal(503, "message not stored: " + e.getMessage()), admitted.keyToKeep());
            return;
        }
        metrics.published(System.nanoTime() - started);
        answer(exchange, appended, admitted.keyToKeep());
    }

    /** Why a 504: what is not known, and what a retry does. */
    private static String uncertain(UncertainWriteException.Doubt doubt, boolean keyed) {
        String retry = keyed ? "retry with the same Idempotency-Key to be sure it is stored exactly once"
                : "a retry may store it twice (a retry with an Idempotency-Key never does)";
        return switch (doubt) {
            case ANSWER_LOST -> "Redis did not confirm the message: it may be stored; " + retry;
            case NOT_REPLICATED -> "the message is stored on the Redis master, but no replica confirmed it, so a failover may lose it; " + retry;
        };
    }

    /** 201 with the new message, or 200 with the one first stored under a repeated Idempotency-Key; browsers get the form again. */
    private void answer(HttpServerExchange exchange, Appended appended, String keyToKeep) {
        Message message = appended.message();
        if (appended.replayed()) {
            exchange.getResponseHeaders().put(IdempotencyKey.REPLAYED, "true");
        }
        if (Replies.wantsJson(exchange)) {
            exchange.getResponseHeaders().put(Headers.LOCATION, Channel.path(exchange, "since?id=" + message.id()));
            Replies.json(exchange, appended.replayed() ? 200 : 201, message);
        } else {
            String notice = appended.replayed() ? "Already published: that message has ID " + message.id()
                    : "Done! Message was assigned ID " + message.id();
            Replies.html(exchange, 200, form.render(FormPage.Notice.info(notice), keyToKeep));
        }
    }

    /** Null if {@code text} may be published, else why not. */
    private String problemWith(String text) {
        if (text == null) {
            return "no 'text' field was sent";
        }
        if (text.isBlank()) {
            return "the message is empty";
        }
        int length = text.codePointCount(0, text.length());
        if (length > maxLength) {
            return "the message is " + length + " characters long; the limit is " + maxLength;
        }
        if (text.codePoints().anyMatch(c -> Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t')) {
            return "the message contains control characters";
        }
        return null;
    }
}
