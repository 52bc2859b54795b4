package nodecast.publish;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import java.util.function.Consumer;
import nodecast.http.Replies;

/**
 * The checks every request that changes the log passes, in this order: its framing, its body,
 * its form, its address's allowance ({@link PublishAllowance}) and the publisher key. They run on
 * the IO thread and never block; only an admitted request is dispatched to a worker thread (the
 * log may be Redis). The key may come in the form, so the body is read before the key is compared.
 */
public final class PublishGate {
    private static final Refusal WRONG_KEY = new Refusal(401, "the publisher key is missing or wrong").with(Headers.WWW_AUTHENTICATE, "Bearer");

    private final PublisherKey key;
    private final PublishAllowance allowance;
    private final ClientAddress clientAddress;
    private final BodyReader body;
    private final RefusalReplies refusals;

    public PublishGate(PublisherKey key, PublishAllowance allowance, ClientAddress clientAddress, BodyReader body, RefusalReplies refusals) {
        this.key = key;
        this.allowance = allowance;
        this.clientAddress = clientAddress;
        this.body = body;
        this.refusals = refusals;
    }

    /** Calls {@code action} on a worker thread with the admitted form, or answers 4xx itself. */
    void admit(HttpServerExchange exchange, Consumer<Admitted> action) {
        Refusal framing = PublishFraming.check(exchange);
        if (framing != null) {
            refuse(exchange, framing);
            return;
        }
        body.read(exchange, bytes -> admitForm(exchange, bytes, action), refusal -> refuse(exchange, refusal));
    }

    private void admitForm(HttpServerExchange exchange, byte[] bytes, Consumer<Admitted> action) {
        PublishFields fields;
        try {
            fields = Replies.sentJson(exchange) ? PublishFields.parseJson(bytes) : PublishFields.parseForm(bytes);
        } catch (IllegalArgumentException e) {
            refuse(exchange, new Refusal(400, e.getMessage()));
            return;
        }
        Refusal refusal = senderRefusal(exchange, fields);
        if (refusal != null) {
            refuse(exchange, refusal);
            return;
        }
        Admitted admitted = new Admitted(fields, key.keptInForm(fields));
        // As a handler, not a Runnable: should the action fail unexpectedly, Undertow still ends the exchange (500), never leaves it hanging.
        exchange.dispatch(dispatched -> action.accept(admitted));
    }

    /** Null if the sender may change the log: its address has tries left and it gave the right key (or none is needed). */
    private Refusal senderRefusal(HttpServerExchange exchange, PublishFields fields) {
        String address = clientAddress.of(exchange);
        Refusal tooMany = allowance.check(address);
        if (tooMany != null || key.admits(exchange, fields)) {
            return tooMany;
        }
        Refusal overNow = allowance.countWrongKey(address);
        return overNow != null ? overNow : WRONG_KEY;
    }

    /** Refusals at the gate never keep a key in the form page: it is not known to be right. */
    private void refuse(HttpServerExchange exchange, Refusal refusal) {
        refusals.answer(exchange, refusal, null);
    }
}
