package nodecast.bench;

import java.nio.charset.StandardCharsets;

/**
 * Nchan's long poll, as its own client (NchanSubscriber.js) does it: {@code GET /sub}, sending back
 * the {@code Last-Modified} and {@code Etag} of the last message as {@code If-Modified-Since} and
 * {@code If-None-Match}; together they name the message the viewer has, and Nchan answers the one
 * after it. The first request sends neither and waits for the next message published
 * ({@code nchan_subscriber_first_message newest}).
 */
final class NchanPolls implements PollProtocol {
    private static final byte[] REQUEST_LINE = "GET /sub HTTP/1.1\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LAST_MODIFIED = "\r\nlast-modified:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ETAG = "\r\netag:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] LINE_END = "\r\n".getBytes(StandardCharsets.US_ASCII);
    /** What Nchan answers a wait that timed out (nchan_subscriber_timeout), with no body. */
    private static final int TIMED_OUT = 408;

    private final byte[] headers;

    NchanPolls(byte[] headers) {
        this.headers = headers;
    }

    @Override
    public int writeNext(ViewerConnection viewer, byte[] out) {
        int at = RequestHeaders.put(REQUEST_LINE, out, 0);
        if (viewer.resumeHeaders != null) {
            at = RequestHeaders.put(viewer.resumeHeaders, out, at);
        }
        return RequestHeaders.put(headers, out, at);
    }

    @Override
    public boolean answersPoll(int status) {
        return status == 200 || status == TIMED_OUT;
    }

    /** Only a message moves the viewer on; after a timed-out wait it asks again from where it was. */
    @Override
    public void answered(ViewerConnection viewer) {
        if (viewer.status != 200) {
            return;
        }
        String lastModified = headerValue(viewer, LAST_MODIFIED);
        String etag = headerValue(viewer, ETAG);
        viewer.resumeHeaders = ("If-Modified-Since: " + lastModified + "\r\nIf-None-Match: " + etag + "\r\n")
                .getBytes(StandardCharsets.US_ASCII);
    }

    private static String headerValue(ViewerConnection viewer, byte[] lowerCaseName) {
        byte[] bytes = viewer.responseBytes;
        int at = ViewerConnection.indexOfIgnoreCase(bytes, lowerCaseName, 0, viewer.bodyStart);
        if (at < 0) {
            throw new IllegalStateException("Nchan answered a message without " + new String(lowerCaseName, StandardCharsets.US_ASCII).strip());
        }
        int start = at + lowerCaseName.length;
        int end = ViewerConnection.indexOf(bytes, LINE_END, start, viewer.bodyStart);
        return new String(bytes, start, end - start, StandardCharsets.US_ASCII).strip();
    }
}
