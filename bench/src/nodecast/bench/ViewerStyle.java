package nodecast.bench;

/**
 * Which server viewers follow, over which transport, and how much of a browser they pretend to be;
 * its name is the word a worker's open command carries.
 */
enum ViewerStyle {
    /** The back-to-back fan-out's viewers: nodecast's protocol, the least HTTP allows. */
    NODECAST_MINIMAL(new NodecastPolls(RequestHeaders.MINIMAL)),
    NODECAST_BROWSER(new NodecastPolls(RequestHeaders.BROWSER)),
    NCHAN_BROWSER(new NchanPolls(RequestHeaders.BROWSER)),
    NODECAST_EVENT_SOURCE(new EventSourceViewers(new NodecastRequestLine("/events"))),
    NCHAN_EVENT_SOURCE(new EventSourceViewers(RequestLine.get(NchanProcess.EVENT_SOURCE_PATH))),
    NODECAST_WEBSOCKET(new WebSocketViewers(new NodecastRequestLine("/ws"))),
    NCHAN_WEBSOCKET(new WebSocketViewers(RequestLine.get(NchanProcess.WEBSOCKET_PATH)));

    final ViewerProtocol protocol;

    ViewerStyle(ViewerProtocol protocol) {
        this.protocol = protocol;
    }
}
