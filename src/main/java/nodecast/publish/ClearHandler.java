package nodecast.publish;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.Map;
import nodecast.http.Replies;
import nodecast.log.LogUnavailableException;
import nodecast.log.MessageLog;
import nodecast.log.UncertainWriteException;

/** {@code POST /clear-messages}: empties the log. Ids carry on, so viewers holding one lose nothing new. */
public final class ClearHandler implements HttpHandler {
    private final MessageLog log;
    private final PublishGate gate;
    private final RefusalReplies refusals;
    private final FormPage form;

    public ClearHandler(MessageLog log, PublishGate gate, RefusalReplies refusals, FormPage form) {
        this.log = log;
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
            log.clear();
        } catch (UncertainWriteException e) {
            refusals.answer(exchange, new Refusal(504, "Redis did not confirm the clear: it may have happened"), admitted.keyToKeep());
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
