package nodecast.log;

/**
 * The log cannot say that a write was carried out as promised, nor that it was not: unlike its
 * parent, this never means "nothing was stored". A publisher retrying with the same idempotency
 * key finds out safely.
 */
public final class UncertainWriteException extends LogUnavailableException {
    private static final long serialVersionUID = 1L;

    /** What is not known. */
    public enum Doubt {
        /** The write was sent and its answer lost (a timeout, a connection cut mid-reply): it may or may not be stored. */
        ANSWER_LOST,
        /** It is stored on the Redis master, but no replica confirmed it: a failover may lose it. */
        NOT_REPLICATED
    }

    private final Doubt doubt;

    public UncertainWriteException(Doubt doubt, String reason, Throwable cause) {
        super(reason, cause);
        this.doubt = doubt;
    }

    public Doubt doubt() {
        return doubt;
    }
}
