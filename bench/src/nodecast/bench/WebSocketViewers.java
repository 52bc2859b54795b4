package nodecast.bench;

/** Viewers that follow a server over a WebSocket, as a browser's: the handshake, then frames, pings answered. */
final class WebSocketViewers implements StreamProtocol {
    private static final byte[] HEAD_END = {'\r', '\n'};

    private final RequestLine line;

    WebSocketViewers(RequestLine line) {
        this.line = line;
    }

    /** The handshake: the browser's headers, then the connection's own key. */
    @Override
    public int writeNext(ViewerConnection viewer, byte[] out) {
        int at = RequestHeaders.put(RequestHeaders.WEBSOCKET, out, line.write(viewer, out, 0));
        at = RequestHeaders.put(viewer.stream.requestHeaders(), out, at);
        return RequestHeaders.put(HEAD_END, out, at);
    }

    @Override
    public StreamReader reader() {
        return new WebSocketReader();
    }
}
