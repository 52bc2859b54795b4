package nodecast.publish;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Map;
import nodecast.fanout.Channels;
import nodecast.http.Channel;
import nodecast.http.Replies;
import nodecast.log.LogUnavailableException;
import nodecast.log.UncertainWriteException;

/** {@code POST /clear-messages}: empties the log of the request's channel. Ids carry on, so viewers holding one lose nothing new. */
public final class ClearHandler implements HttpHandler {
    private final Channels channels;
    private final PublishGate gate;
    private final RefusalReplies refusals;
    private final FormPage form;

    public ClearHandler(Channels channels, PublishGate gate, RefusalReplies refusals, FormPage form) {
        this.channels = channels;
        this.gate = gate;
        this.refusals = refusals;
        this.form = form;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        gate.admit(exchange, admitted -> clear(exchange, admitted));
    }

    private void clear(HttpServerExchange exchange, Admitted admitted) {
        try {
            channels.log(Channel.of(exchange)).clear();
        } catch (UncertainWriteException e) {
            refusals.answer(exchange, new Refusal(504, switch (e.doubt()) {
                case ANSWER_LOST -> "Redis did not confirm the clear: it may have happened";
                case NOT_REPLICATED -> "the clear happened on the Redis master, but no replica confirmed it, so a failover may undo it";
            }), admitted.keyToKeep());
            return;
        } catch (LogUnavailableException e) {
            refusals.answer(exchange, new Refusal(503, "log not cleared: " + e.getMessage()), admitted.keyToKeep());
            return;
        }
        if (Replies.wantsJson(exchange)) {
            Replies.json(exchange, 200, Map.of("cleared", true));
        } else {
            Replies.html(exchange, 200, form.render(FormPage.Notice.info("All messages cleared."), admitted.keyToKeep()));
        }
    }
}
