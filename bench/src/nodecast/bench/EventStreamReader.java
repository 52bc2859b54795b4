package nodecast.bench;

/** A Server-Sent Events viewer's reader: a 200 of type text/event-stream, chunked (nodecast) or read to its end (Nchan). */
final class EventStreamReader extends StreamReader {
    @Override
    protected StreamBytes bodyOf(ResponseHead head) {
        head.expect(200);
        if (!head.header("Content-Type").startsWith("text/event-stream")) {
            throw new IllegalStateException("an event stream of type " + head.header("Content-Type"));
        }
        EventStreamParser events = new EventStreamParser();
        return head.header("Transfer-Encoding").equalsIgnoreCase("chunked") ? new ChunkedDecoder(events) : events;
    }
}
