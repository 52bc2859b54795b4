package nodecast.stream;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import nodecast.fanout.Start;
import nodecast.http.MessageQuery;
import nodecast.http.Replies;

/** Where a stream starts: as for {@code /wait}, unless an EventSource resumes with {@code Last-Event-ID} ({@link EventId}). */
final class StreamQuery {
    private static final HttpString LAST_EVENT_ID = new HttpString("Last-Event-ID");

    private StreamQuery() {
    }

    /**
     * The query, started where {@code Last-Event-ID} says (what an EventSource sends when it
     * reconnects) if that header is given, whatever {@code id}, {@code last} or {@code log} say;
     * or null after answering 400. A log that is gone is not refused: the stream says so in band.
     */
    static MessageQuery readOrRefuse(HttpServerExchange exchange) {
        try {
            MessageQuery query = MessageQuery.of(exchange);
            HeaderValues resumed = exchange.getRequestHeaders().get(LAST_EVENT_ID);
            if (resumed == null || resumed.size() == 1 && resumed.getFirst().isEmpty()) {
                return query; // an empty Last-Event-ID is what EventSource holds before any id: none
            }
            if (resumed.size() > 1) {
                throw new IllegalArgumentException("the Last-Event-ID header is given more than once");
            }
            EventId at = EventId.parse(resumed.getFirst(), query.log());
            return new MessageQuery(Start.at(at.next()), at.log());
        } catch (IllegalArgumentException e) {
            Replies.error(exchange, 400, e.getMessage());
            return null;
        }
    }
}
