package nodecast;

import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

/** {@code POST /submit-message}: validates the {@code text} field and appends it to the log. */
final class SubmitHandler implements HttpHandler {
    private final MessageLog log;
    private final FormPage form;
    private final int maxLength;

    SubmitHandler(MessageLog log, FormPage form, int maxLength) {
        this.log = log;
        this.form = form;
        this.maxLength = maxLength;
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        PublishRequest.read(exchange, form, fields -> publish(exchange, fields.get("text")));
    }

    private void publish(HttpServerExchange exchange, String text) {
        String problem = problemWith(text);
        if (problem != null) {
            PublishRequest.reject(exchange, form, 400, problem);
            return;
        }
        Message message;
        try {
            message = log.append(text);
        } catch (LogUnavailableException e) {
            PublishRequest.reject(exchange, form, 503, "message not stored: " + e.getMessage());
            return;
        }
        if (Replies.wantsJson(exchange)) {
            exchange.getResponseHeaders().put(Headers.LOCATION, "/since?id=" + message.id());
            Replies.json(exchange, 201, message);
        } else {
            Replies.html(exchange, 200, form.withNotice("Done! Message was assigned ID " + message.id()));
        }
    }

    /** Null if {@code text} may be published, else why not. */
    private String problemWith(String text) {
        if (text == null) {
            return "the form has no 'text' field";
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
