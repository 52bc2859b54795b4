package nodecast.bench;

/** Viewers that follow a server over Server-Sent Events, as a browser's EventSource: one GET, read on. */
final class EventSourceViewers implements StreamProtocol {
    private final RequestLine line;

    EventSourceViewers(RequestLine line) {
        this.line = line;
    }

    @Override
    public int writeNext(ViewerConnection viewer, byte[] out) {
        return RequestHeaders.put(RequestHeaders.EVENT_SOURCE, out, line.write(viewer, out, 0));
    }

    @Override
    public StreamReader reader() {
        return new EventStreamReader();
    }
}
