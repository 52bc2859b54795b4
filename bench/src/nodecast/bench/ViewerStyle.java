package nodecast.bench;

/** Which server viewers poll and how much of a browser they pretend to be; its name is the word a worker's open command carries. */
enum ViewerStyle {
    /** The back-to-back fan-out's viewers: nodecast's protocol, the least HTTP allows. */
    NODECAST_MINIMAL(new NodecastPolls(RequestHeaders.MINIMAL)),
    NODECAST_BROWSER(new NodecastPolls(RequestHeaders.BROWSER)),
    NCHAN_BROWSER(new NchanPolls(RequestHeaders.BROWSER));

    final PollProtocol protocol;

    ViewerStyle(PollProtocol protocol) {
        this.protocol = protocol;
    }
}
