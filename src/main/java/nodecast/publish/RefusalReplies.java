package nodecast.publish;

import io.undertow.server.HttpServerExchange;
import nodecast.http.Replies;

/**
 * Answers a refused publish or clear in the form the client asked for: the form page with the
 * reason for browsers (keeping the key they gave, if it was right), else JSON or plain text.
 */
public final class RefusalReplies {
    private final FormPage form;
    private final RefusalLog log;

    public RefusalReplies(FormPage form, RefusalLog log) {
        this.form = form;
        this.log = log;
    }

    /** {@code keyToKeep}: the publisher key to fill into the form page, or null. */
    void answer(HttpServerExchange exchange, Refusal refusal, String keyToKeep) {
        log.refused(exchange.getSourceAddress(), refusal);
        if (refusal.header() != null) {
            exchange.getResponseHeaders().put(refusal.header(), refusal.headerValue());
        }
        if (refusal.closesConnection()) {
            exchange.setPersistent(false);
        }
        if (!Replies.wantsJson(exchange) && Replies.wantsHtml(exchange)) {
            Replies.html(exchange, refusal.status(), form.render(FormPage.Notice.error(refusal.reason()), keyToKeep));
        } else {
            Replies.error(exchange, refusal.status(), refusal.reason());
        }
    }
}
