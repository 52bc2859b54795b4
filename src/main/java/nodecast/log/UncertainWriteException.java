package nodecast.log;

/**
 * The log failed after the write was sent (no reply within the timeout, a connection cut
 * mid-reply): it may or may not have been carried out. Unlike its parent, this never means
 * "nothing was stored"; a publisher retrying with the same idempotency key finds out safely.
 */
public final class UncertainWriteException extends LogUnavailableException {
    private static final long serialVersionUID = 1L;

    public UncertainWriteException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
