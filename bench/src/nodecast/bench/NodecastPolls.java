package nodecast.bench;

/**
 * nodecast's long poll, as its page does it: {@code GET /wait?id=N}, N the id after the last one the
 * viewer has; {@code GET /c/NAME/wait?id=N} for a viewer that follows channel NAME.
 */
final class NodecastPolls implements PollProtocol {
    private static final RequestLine WAIT = new NodecastRequestLine("/wait");

    private final byte[] headers;

    NodecastPolls(byte[] headers) {
        this.headers = headers;
    }

    @Override
    public int writeNext(ViewerConnection viewer, byte[] out) {
        return RequestHeaders.put(headers, out, WAIT.write(viewer, out, 0));
    }

    /** A wait that times out is answered 200 with no message ({@code []}). */
    @Override
    public boolean answersPoll(int status) {
        return status == 200;
    }

    /** The next id is the viewer's own count: nothing to keep from the answer. */
    @Override
    public void answered(ViewerConnection viewer) {
    }
}
