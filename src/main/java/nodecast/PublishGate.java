package nodecast;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.function.Consumer;

/**
 * The checks every request that changes the log passes, in this order: the per-address rate,
 * the framing, the body, the form and the publisher key. They run on the IO thread and never
 * block; only an admitted request is dispatched to a worker thread (the log may be Redis).
 */
final class PublishGate {
    private final PublisherKey key;
    private final PublishRateLimit rateLimit;
    private final ClientAddress clientAddress;
    private final BodyReader body;
    private final RefusalReplies refusals;

    PublishGate(PublisherKey key, PublishRateLimit rateLimit, ClientAddress clientAddress, BodyReader body, RefusalReplies refusals) {
        this.key = key;
        this.rateLimit = rateLimit;
        this.clientAddress = clientAddress;
        this.body = body;
        this.refusals = refusals;
    }

    /** Calls {@code action} on a worker thread with the admitted form, or answers 4xx itself. */
    void admit(HttpServerExchange exchange, Consumer<Admitted> action) {
        Refusal refusal = tooFast(exchange);
        if (refusal == null) {
            refusal = PublishFraming.check(exchange);
        }
        if (refusal != null) {
            refusals.answer(exchange, refusal, null);
            return;
        }
        body.read(exchange, bytes -> admitForm(exchange, bytes, action), bodyRefusal -> refusals.answer(exchange, bodyRefusal, null));
    }

    private void admitForm(HttpServerExchange exchange, byte[] bytes, Consumer<Admitted> action) {
        FormBody fields;
        try {
            fields = FormBody.parse(bytes);
        } catch (IllegalArgumentException e) {
            refusals.answer(exchange, new Refusal(400, e.getMessage()), null);
            return;
        }
        if (!key.admits(exchange, fields)) {
            refusals.answer(exchange, new Refusal(401, "the publisher key is missing or wrong").with(Headers.WWW_AUTHENTICATE, "Bearer"), null);
            return;
        }
        Admitted admitted = new Admitted(fields, key.keptInForm(fields));
        exchange.dispatch(() -> action.accept(admitted));
    }

    private Refusal tooFast(HttpServerExchange exchange) {
        long retryAfter = rateLimit.take(clientAddress.of(exchange));
        return retryAfter == 0 ? null : new Refusal(429, "too many publishes from your address; try again in " + retryAfter + " s")
                .with(Headers.RETRY_AFTER, Long.toString(retryAfter));
    }
}
