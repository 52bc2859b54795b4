package nodecast;

/** The message log cannot be reached (Redis is down); the request should be answered 503. */
final class LogUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    LogUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
