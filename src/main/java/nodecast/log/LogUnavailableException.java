package nodecast.log;

/**
 * The message log cannot be reached (Redis is down) and the operation was not carried out: the
 * request should be answered 503. {@link UncertainWriteException} is the case where it may have been.
 */
public class LogUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public LogUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
