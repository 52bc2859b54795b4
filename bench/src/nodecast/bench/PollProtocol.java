package nodecast.bench;

/**
 * How a long-polling viewer asks its server for what comes next. nodecast names the next id in the
 * URL ({@code /wait?id=N}); Nchan wants back the {@code Last-Modified} and {@code Etag} of the last
 * answer (as {@code If-Modified-Since} and {@code If-None-Match}). Everything else (counting ids,
 * timing arrivals) is the same for both.
 */
interface PollProtocol extends ViewerProtocol {
    /** Whether {@code status} answers a poll, with a message or with a wait that ended empty. */
    boolean answersPoll(int status);

    /** After a complete answer: keeps on the viewer whatever its next request must send back. */
    void answered(ViewerConnection viewer);
}
