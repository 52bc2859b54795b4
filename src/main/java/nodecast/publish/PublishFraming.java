package nodecast.publish;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import java.util.Locale;
import nodecast.http.Replies;

/** How a publish or clear must be framed, checked from its headers before its body is read. */
final class PublishFraming {
    private PublishFraming() {
    }

    /** Null if the body may be read, else why not. */
    static Refusal check(HttpServerExchange exchange) {
        HeaderMap headers = exchange.getRequestHeaders();
        String type = headers.getFirst(Headers.CONTENT_TYPE);
        if (type != null && !type.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded") && !Replies.sentJson(exchange)) {
            return new Refusal(415, "send the form as application/x-www-form-urlencoded, or a JSON object as application/json");
        }
        // Undertow's chunked decoder forgives malformed chunks (it drops surplus bytes), which lets a
        // publish mean two things at once; forms come with a Content-Length from every browser and tool.
        // The body is not read, so the connection cannot carry another request.
        if (headers.contains(Headers.TRANSFER_ENCODING)) {
            return new Refusal(411, "send the form with a Content-Length, not in chunks").closingConnection();
        }
        String length = headers.getFirst(Headers.CONTENT_LENGTH);
        if (length != null && !length.matches("[0-9]{1,18}")) {
            return new Refusal(400, "the Content-Length is not a number of bytes").closingConnection();
        }
        return null;
    }
}
