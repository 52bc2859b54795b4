package nodecast.http;

/** How a viewer follows a channel: its metric tag, where metrics count viewers by transport. */
public enum ViewerTransport {
    LONG_POLL("poll"),
    SSE("sse"),
    WEB_SOCKET("ws");

    public final String metricTag;

    ViewerTransport(String metricTag) {
        this.metricTag = metricTag;
    }
}
