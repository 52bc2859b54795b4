package nodecast.http;

import io.undertow.server.HttpServerExchange;
import java.util.Deque;
import java.util.Map;
import nodecast.fanout.Start;
import nodecast.metrics.Metrics;

/**
 * Where a viewer starts, as every viewers' endpoint reads it: {@code id=N} (from message N on;
 * 0 when absent) or {@code last=K} (the newest K messages), and {@code log}, the log id the
 * client's ids came from (optional).
 */
public record MessageQuery(Start start, String log) {

    /** The largest id a browser can hold exactly: ids travel through JavaScript numbers. */
    public static final long MAX_ID = (1L << 53) - 1;
    /** The most messages {@code last} may ask for: one answer's worth. */
    public static final int MAX_LAST = 1_000;

    /**
     * Returns the query, or answers the request itself and returns null: 400 for a bad query, 409
     * when the client names a log other than {@code currentLog} (null before the first sync).
     */
    static MessageQuery readOrRefuse(HttpServerExchange exchange, String currentLog, Metrics metrics) {
        MessageQuery query;
        try {
            query = of(exchange);
        } catch (IllegalArgumentException e) {
            Replies.error(exchange, 400, e.getMessage());
            return null;
        }
        if (currentLog != null && !query.follows(currentLog)) {
            metrics.logGone();
            Replies.logGone(exchange, currentLog);
            return null;
        }
        return query;
    }

    /** Returns the query, or throws with a reason fit for a 400. */
    public static MessageQuery of(HttpServerExchange exchange) {
        Map<String, Deque<String>> params = exchange.getQueryParameters();
        String id = single(params.get("id"), "id");
        String last = single(params.get("last"), "last");
        if (id != null && last != null) {
            throw new IllegalArgumentException("give id or last, not both: id starts at a message, last at the newest ones");
        }
        Start start = last != null ? Start.newest(last(last)) : Start.at(id == null ? 0 : parseId(id, "id"));
        return new MessageQuery(start, single(params.get("log"), "log"));
    }

    /** {@code text} as an id, or throws naming it {@code name}. */
    public static long parseId(String text, String name) {
        // A digit loop, not a regular expression: this runs for every /wait, thousands a second.
        long id = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9' || i >= 16) {
                throw new IllegalArgumentException(isNegative(text)
                        ? name + " must not be negative"
                        : name + " must be a whole number from 0 to " + MAX_ID);
            }
            id = id * 10 + (c - '0');
        }
        if (text.isEmpty() || id > MAX_ID) {
            throw new IllegalArgumentException(name + " must be a whole number from 0 to " + MAX_ID);
        }
        return id;
    }

    private static int last(String text) {
        if (text.isEmpty() || text.length() > 4 || !text.chars().allMatch(c -> c >= '0' && c <= '9') || Integer.parseInt(text) > MAX_LAST) {
            throw new IllegalArgumentException("last must be a whole number from 0 to " + MAX_LAST);
        }
        return Integer.parseInt(text);
    }

    private static boolean isNegative(String text) {
        return text.length() > 1 && text.charAt(0) == '-' && text.chars().skip(1).allMatch(c -> c >= '0' && c <= '9');
    }

    private static String single(Deque<String> values, String name) {
        if (values == null) {
            return null;
        }
        if (values.size() > 1) {
            throw new IllegalArgumentException(name + " is given more than once");
        }
        return values.getFirst();
    }

    /** False when the client names a log that is not the current one: its ids mean nothing here. */
    boolean follows(String currentLog) {
        return log == null || log.equals(currentLog);
    }
}
